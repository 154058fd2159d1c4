"""What the format tests share: the schemas, and readers of each format written here, from the
formats' own definitions, never taken from oasguard."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import xmlschema
from markdown_it import MarkdownIt

SCHEMAS = Path(__file__).resolve().parent / "schemas"

#: a GitHub workflow command as the runner reads it: `::NAME PROPERTIES::DATA` on one line, the
#: properties comma-separated `key=value` pairs in which `,` `:` `%` CR LF are percent-encoded,
#: the data with `%` CR LF percent-encoded
WORKFLOW_COMMAND = re.compile(
    r"^::(?P<command>error|warning|notice)"
    r"(?: (?P<properties>[a-z]+=(?:[^,:%\r\n]|%25|%2C|%3A|%0D|%0A)*"
    r"(?:,[a-z]+=(?:[^,:%\r\n]|%25|%2C|%3A|%0D|%0A)*)*))?"
    r"::(?P<data>(?:[^%\r\n]|%25|%0D|%0A)*)$"
)


def workflow_properties(text: str | None) -> dict[str, str]:
    """The properties of a workflow command, decoded as the runner decodes them."""
    if not text:
        return {}
    pairs = (item.split("=", 1) for item in text.split(","))
    return {key: _undo_percent(value) for key, value in pairs}


def _undo_percent(value: str) -> str:
    for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


@cache
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(text: str) -> dict:
    log = json.loads(text)
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return log


@cache
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


def assert_valid_junit(text: str) -> None:
    junit_schema().validate(text)


@dataclass
class Markdown:
    """A Markdown document as GitHub would read it: headings, tables (rows of cell texts as
    rendered), raw HTML, and every inline element other than text."""

    headings: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    inline_kinds: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    #: fenced code blocks as (info string, content): shown verbatim, nothing in them renders
    fences: list[tuple[str, str]] = field(default_factory=list)


def parse_markdown(source: str) -> Markdown:
    """Parse with markdown-it-py: CommonMark with raw HTML on (as GitHub allows it) and the GFM
    table and strikethrough extensions."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    found = Markdown()
    heading = False
    row: list[str] | None = None
    for token in parser.parse(source):
        if token.type == "heading_open":
            heading = True
        elif token.type == "table_open":
            found.tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            found.tables[-1].append(row or [])
            row = None
        elif token.type == "html_block":
            found.html.append(token.content)
        elif token.type == "fence":
            found.fences.append((token.info, token.content))
        elif token.type == "inline":
            text = ""
            for child in token.children or []:
                if child.type == "text":
                    text += child.content
                elif child.type == "html_inline":
                    found.html.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    text += "\n"
                else:
                    found.inline_kinds.add(child.type)
                    if child.type == "link_open":
                        found.links.append(str(child.attrs.get("href")))
                    if child.type == "code_inline":
                        text += child.content
            found.text.append(text)
            if heading:
                found.headings.append(text)
                heading = False
            elif row is not None:
                row.append(text)
    return found
