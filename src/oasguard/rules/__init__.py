"""Classify: the rule registry turns compared facts into changes with a level and a message."""
