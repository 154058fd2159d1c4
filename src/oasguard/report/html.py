"""The HTML report: one self-contained page (a CI artifact, opened from disk) with every change.

A headline verdict and the counts, whom the changes break (with consumer evidence), then each
level's changes one row per fact (a shared component's change once, its operations folded), the
shape diffs side by side, what the configuration ignored and the notes. A little inline script
adds filters by level, rule, operation and consumer; without it every change is shown.

Nothing is loaded from anywhere: the style and the script are inline, and a Content-Security-
Policy allows exactly those two (by their hashes), so nothing else could run even if something
were injected. Document text reaches the page only through `_text` (every control, bidi and
invisible character made visible, then `html.escape` with quotes, for text and attributes
alike); the script reads it back only as `data-` attributes and builds no code from it."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from html import escape
from itertools import zip_longest

from oasguard.changes import Change, Level, Report, Shape, ShapeLine
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import count, counted, place, shapes_by_operation, side, spread, verdict
from oasguard.report.escape import url, url_path, visible
from oasguard.report.groups import Fact, entries
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

#: shape diffs are open when at most this many operations have them; past it each operation's
#: shapes are folded (a fact's operation links to them and the script opens the one linked)
OPEN_SHAPES = 25

#: symbols every system font has (an emoji font is not everywhere: a headless browser lacks one)
_ICON = {Level.BREAKING: "✖", Level.WARNING: "⚠", Level.SAFE: "✔"}
_TITLE = {Level.BREAKING: "Breaking changes", Level.WARNING: "Warnings", Level.SAFE: "Safe changes"}

_STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;
--breaking:#cf222e;--warning:#9a6700;--safe:#1a7f37;--del:#ffebe9;--add:#dafbe1}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;
--soft:#151b23;--breaking:#ff7b72;--warning:#d29922;--safe:#3fb950;--del:#3c1618;--add:#12261e}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:80rem;padding:1rem 1.5rem 3rem;font:14px/1.5 system-ui,-apple-system,
"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
code,.shape td{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:var(--soft)}
table.counts{width:auto}table.counts td.n{text-align:right;min-width:4rem}
.breaking{color:var(--breaking)}.warning{color:var(--warning)}.safe{color:var(--safe)}
.approved{border-left:4px solid var(--safe);padding:.25rem .75rem;background:var(--soft)}
.muted,.base{color:var(--muted)}
details>summary{cursor:pointer}
td[data-op],td.ops{min-width:14rem}td.rule{overflow-wrap:normal;min-width:10rem}
td.ops ul{margin:.25rem 0 0;padding-left:1.2rem}
#filters{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;padding:.5rem .75rem;
margin:1rem 0;background:var(--soft);border:1px solid var(--line);border-radius:6px;position:sticky;
top:0;z-index:1}
#filters fieldset{border:0;margin:0;padding:0;display:flex;gap:.75rem}
#filters legend{float:left;margin-right:.5rem;font-weight:600}
#filters input[type=search]{width:18rem;max-width:100%}
details.shape-op{margin:.5rem 0;border:1px solid var(--line);border-radius:6px;padding:.25rem .75rem}
table.shape{margin:.25rem 0 .75rem}
table.shape td{white-space:pre-wrap;width:40%}table.shape td.note{width:20%;font:inherit}
table.shape td.del{background:var(--del)}table.shape td.add{background:var(--add)}
[hidden]{display:none!important}
"""

_SCRIPT = """
"use strict";
(() => {
  const filters = document.getElementById("filters");
  if (!filters) return;
  const facts = Array.from(document.querySelectorAll("tr.fact"));
  const sections = Array.from(document.querySelectorAll("section.level"));
  const shapes = Array.from(document.querySelectorAll("details.shape-op"));
  const levels = Array.from(filters.querySelectorAll("input[name=level]"));
  const rule = document.getElementById("filter-rule");
  const operation = document.getElementById("filter-operation");
  const consumer = document.getElementById("filter-consumer");
  const shown = document.getElementById("shown");
  const apply = () => {
    const wanted = new Set(levels.filter((box) => box.checked).map((box) => box.value));
    const ruleWanted = rule.value;
    const operationWanted = operation.value.trim().toLowerCase();
    const consumerWanted = consumer ? consumer.value : "";
    const operations = new Set();
    let count = 0;
    for (const row of facts) {
      let show = wanted.has(row.dataset.level) && (!ruleWanted || row.dataset.rule === ruleWanted);
      if (show && consumerWanted) {
        show = JSON.parse(row.dataset.consumers || "[]").includes(consumerWanted);
      }
      const named = Array.from(row.querySelectorAll("[data-op]"));
      let any = !operationWanted;
      for (const each of named) {
        const match = !operationWanted || each.dataset.op.toLowerCase().includes(operationWanted);
        if (each.tagName === "LI") each.hidden = !match;
        any = any || match;
        if (show && match) operations.add(each.dataset.key);
      }
      row.hidden = !(show && any);
      if (!row.hidden) count += 1;
    }
    for (const section of sections) {
      const rows = Array.from(section.querySelectorAll("tr.fact"));
      section.hidden = rows.length > 0 && rows.every((row) => row.hidden);
    }
    for (const shape of shapes) {
      shape.hidden = !shape.dataset.keys.split(" ").some((key) => operations.has(key));
    }
    shown.textContent = count === facts.length
      ? `Showing all ${facts.length} changes.`
      : `Showing ${count} of ${facts.length} changes.`;
  };
  // a box or a list when it changes, the operation as it is typed
  filters.addEventListener("change", (event) => { if (event.target !== operation) apply(); });
  operation.addEventListener("input", apply);
  document.getElementById("filter-reset").addEventListener("click", () => {
    for (const box of levels) box.checked = true;
    rule.value = "";
    operation.value = "";
    if (consumer) consumer.value = "";
    apply();
  });
  // a link to an operation's shapes opens them when they are folded
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    const target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (target && target.tagName === "DETAILS") target.open = true;
  });
  filters.hidden = false;
  shown.hidden = false;
  apply();
  document.documentElement.dataset.ready = "true";
})();
"""


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


#: only the page's own style and script may apply (by their hashes): no other script, style,
#: image, font, frame or connection, so that nothing could run or load even if text got in
_POLICY = (
    f"default-src 'none'; style-src {_hash(_STYLE)}; script-src {_hash(_SCRIPT)}; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)


def _text(value: str) -> str:
    """Untrusted text as HTML text or a quoted attribute value: on one line with every control,
    bidi and invisible character shown as an escape, then `& < > " '` as references."""
    return escape(visible(value), quote=True)


def html_report(report: Report, options: RenderOptions) -> str:
    listed = entries(report.changes)
    several = len({change.document for change in report.changes}) > 1
    groups = _shape_groups(report.shapes)
    shaped = _shape_keys(groups)
    title, verdict, tone = _verdict(report, listed, options)
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{_text(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n",
        f'<header>\n<h1 class="{tone.value}">{_ICON[tone]} {_text(title)}</h1>\n',
        f"<p>{verdict}</p>\n",
    ]
    if report.base and report.revision:
        parts.append(
            f"<p>Compared <code>{_text(report.base)}</code> with <code>{_text(report.revision)}</code>.</p>\n"
        )
    if options.approved and report.summary[Level.BREAKING.value]:
        parts.append(
            f'<p class="approved">The breaking changes are approved by {_text(options.approved)}.</p>\n'
        )
    parts.append(_counts(report, listed))
    parts.append("</header>\n<main>\n")
    parts.append(_consumers(report))
    parts.append(_filters(report, listed))
    for level in Level:
        facts = [fact for fact in listed if fact.level is level]
        if facts:
            parts.append(_section(level, facts, report, options, several, shaped))
        if level is Level.WARNING and report.shapes:
            parts.append(_shapes(groups, several))
    parts.append(_ignored(report))
    parts.append(_notes(report))
    parts.append(f"</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n")
    return "".join(parts)


def _verdict(report: Report, listed: list[Fact], options: RenderOptions) -> tuple[str, str, Level]:
    """(title, sentence, the level whose colour and icon it takes) of the headline: the verdict
    Markdown gives too (`common.verdict`), or the breaking changes approved."""
    level, title, text = verdict(report, listed)
    if level is Level.BREAKING and options.approved:
        breaking = counted(spread(report, listed, Level.BREAKING), "breaking change")
        return "oasguard: breaking changes approved", f"{breaking}, approved.", Level.SAFE
    return title, text, level or Level.SAFE


def _counts(report: Report, listed: list[Fact]) -> str:
    rows = []
    for level in Level:
        facts, places = spread(report, listed, level)
        rows.append(
            f'<tr><th scope="row" class="{level.value}">{_ICON[level]} {level.value}</th>'
            f'<td class="n">{facts}</td><td class="n">{places}</td></tr>\n'
        )
    if report.ignored:
        ignored = len(report.ignored)
        rows.append(
            f'<tr><th scope="row">ignored</th><td class="n">{ignored}</td><td class="n">{ignored}</td></tr>\n'
        )
    head = '<tr><th scope="col">level</th><th scope="col">changes</th><th scope="col">places</th></tr>\n'
    return _table(head, "".join(rows), "counts")


def _consumers(report: Report) -> str:
    """With consumer evidence: whom the breaking changes break, and each consumer's counts."""
    if not report.known_consumers:
        return ""
    known = report.known_consumers
    broken = sorted({n for c in report.changes if c.level is Level.BREAKING for n in c.consumers})
    if broken:
        names = ", ".join(f"<code>{_text(name)}</code>" for name in broken)
        line = f"Breaks {len(broken)} of {count(len(known), 'known consumer')}: {names}."
    else:
        line = f"Breaks none of the {count(len(known), 'known consumer')}."
    counts = report.per_consumer()
    rows = "".join(
        f'<tr><td>{_text(name)}</td><td class="n">{counts[name]["breaking"]}</td>'
        f'<td class="n">{counts[name]["warning"]}</td><td class="n">{counts[name]["safe"]}</td></tr>\n'
        for name in known
    )
    head = "<tr><th>consumer</th><th>breaking</th><th>warnings</th><th>safe</th></tr>\n"
    unmatched = ""
    if report.unmatched:
        unmatched = (
            f"<p>{count(len(report.unmatched), 'interaction')} matched no operation (see the notes).</p>\n"
        )
    return (
        f'<section id="consumers">\n<h2>Consumers</h2>\n<p>{line}</p>\n'
        f"{_table(head, rows, 'counts')}{unmatched}</section>\n"
    )


def _filters(report: Report, listed: list[Fact]) -> str:
    """The filters (hidden until the script runs: without it they would do nothing)."""
    if not listed:
        return ""
    boxes = "".join(
        f'<label><input type="checkbox" name="level" value="{level.value}" checked> '
        f'<span class="{level.value}">{level.value}</span></label>'
        for level in Level
        if any(fact.level is level for fact in listed)
    )
    rules = sorted({fact.rule for fact in listed})
    rule_options = "".join(f'<option value="{_text(rule)}">{_text(rule)}</option>' for rule in rules)
    operations = sorted({op for fact in listed for op in fact.operations})
    choices = "".join(f'<option value="{_text(op)}"></option>' for op in operations)
    consumer = ""
    if report.known_consumers:
        names = "".join(f'<option value="{_text(n)}">{_text(n)}</option>' for n in report.known_consumers)
        consumer = (
            '<label>consumer <select id="filter-consumer"><option value="">any</option>'
            f"{names}</select></label>\n"
        )
    return (
        '<div id="filters" role="search" hidden>\n'
        f"<fieldset><legend>level</legend>{boxes}</fieldset>\n"
        f'<label>rule <select id="filter-rule"><option value="">any</option>{rule_options}</select></label>\n'
        '<label>operation <input type="search" id="filter-operation" list="operations" '
        'placeholder="GET /users" autocomplete="off"></label>\n'
        f'<datalist id="operations">{choices}</datalist>\n{consumer}'
        '<button type="button" id="filter-reset">Show all</button>\n'
        '</div>\n<p id="shown" class="muted" aria-live="polite" hidden></p>\n'
    )


def _section(
    level: Level,
    facts: list[Fact],
    report: Report,
    options: RenderOptions,
    several: bool,
    shaped: dict[tuple[str, str], str],
) -> str:
    places = sum(len(fact.changes) for fact in facts)
    counts = f"{len(facts)}" + (f" in {places} places" if places != len(facts) else "")
    approved = " (approved)" if level is Level.BREAKING and options.approved else ""
    head = ('<th scope="col">document</th>' if several else "") + '<th scope="col">operation</th>'
    head += '<th scope="col">change</th>' + ('<th scope="col">consumers</th>' if report.attributed else "")
    head += '<th scope="col">rule</th><th scope="col">where</th>'
    rows = "".join(_row(fact, report, options, several, shaped) for fact in facts)
    return (
        f'<section class="level" id="{level.value}">\n'
        f'<h2 class="{level.value}">{_ICON[level]} {_TITLE[level]}{approved} ({counts})</h2>\n'
        f"{_table(f'<tr>{head}</tr>', rows, 'changes')}</section>\n"
    )


def _row(
    fact: Fact, report: Report, options: RenderOptions, several: bool, shaped: dict[tuple[str, str], str]
) -> str:
    """A fact's row: its operation, or its operations folded with the count; the message; whom
    it breaks; the rule; where (a single change's location, and `file:line`)."""
    change = fact.first
    document = change.document or ""
    consumers = json.dumps([visible(name) for name in fact.consumers], ensure_ascii=False)
    single = len(fact.changes) == 1
    if single:
        operation = (
            _operation(change.operation, document, shaped, "td") if change.operation else "<td>document</td>"
        )
    else:
        operations = fact.operations
        items = "".join(_operation(op, document, shaped, "li") for op in operations)
        operation = (
            f'<td class="ops"><details><summary>{len(operations)} operations</summary>'
            f"<ul>{items}</ul></details></td>"
        )
    message = _text(fact.message)
    if not single:
        message += f' <span class="muted">— in {len(fact.operations)} operations</span>'
    cells = [f"<td>{_text(document)}</td>"] if several else []
    cells += [operation, f"<td>{message}</td>"]
    if report.attributed:
        names = ", ".join(f"<code>{_text(name)}</code>" for name in fact.consumers)
        cells.append(f"<td>{names or '—'}</td>")
    cells += [
        f'<td class="rule"><code>{_text(fact.rule)}</code></td>',
        f"<td>{_where(change, options, single)}</td>",
    ]
    return (
        f'<tr class="fact" data-fact="{fact.id}" data-level="{fact.level.value}" '
        f'data-rule="{_text(fact.rule)}" data-consumers="{escape(consumers, quote=True)}">'
        f"{''.join(cells)}</tr>\n"
    )


def _operation(operation: str, document: str, shaped: dict[tuple[str, str], str], tag: str) -> str:
    """An operation as a cell or a list item that the operation filter reads (`data-op`), with a
    link to its shapes when it has some."""
    shown = _text(operation)
    anchor = shaped.get((document, operation))
    inner = f'<a href="#{anchor}">{shown}</a>' if anchor else shown
    return f'<{tag} data-op="{shown}" data-key="{_key(document, operation)}">{inner}</{tag}>'


def _where(change: Change, options: RenderOptions, location: bool) -> str:
    """The location below the operation (for one change), then `file:line`: a link at the
    revision when the caller gave one; something removed is in the base, and says so."""
    below = (change.subject.place if change.operation else change.location) if location else ""
    parts = [_text(below)] if below else []
    file, line = place(change)
    if file:
        shown = f"<code>{_text(file if line is None else f'{file}:{line}')}</code>"
        if side(change) == "base":
            parts.append(f'{shown} <span class="base">(base)</span>')
        elif options.link:
            anchor = "" if line is None else f"#L{int(line)}"
            href = escape(f"{url(options.link.rstrip('/'))}/{url_path(file)}{anchor}", quote=True)
            parts.append(f'<a href="{href}">{shown}</a>')
        else:
            parts.append(shown)
    return " · ".join(parts)


def _key(document: str, operation: str) -> str:
    """An operation's id in the page: only hex digits, whatever the document names."""
    return hashlib.sha256(f"{document}\x1f{operation}".encode("utf-8", "replace")).hexdigest()[:12]


#: the operations (document, operation) that share the same shapes, with those shapes
_ShapeGroups = list[tuple[list[tuple[str, str]], list[Shape]]]


def _shape_keys(groups: _ShapeGroups) -> dict[tuple[str, str], str]:
    """(document, operation) → the anchor of its shapes."""
    return {
        operation: f"shape-{_key(*operations[0])}" for operations, _ in groups for operation in operations
    }


def _shape_groups(shapes: Sequence[Shape]) -> _ShapeGroups:
    """The operations (document, operation) that have the same shapes, with those shapes, in
    the report's order: operations that return one changed component show it once (on the GitHub
    pair 78 distinct shapes in 173, half the page)."""
    groups: dict[tuple, tuple[list[tuple[str, str]], list[Shape]]] = {}
    for operation, found in shapes_by_operation(shapes).items():
        same = tuple((shape.title, shape.lines) for shape in found)
        groups.setdefault(same, ([], found))[0].append(operation)
    return list(groups.values())


def _shapes(groups: _ShapeGroups, several: bool) -> str:
    """Each operation's shapes, base beside revision, one `<details>` per operation, or per
    operations that have the same shapes (named together)."""
    opened = " open" if len(groups) <= OPEN_SHAPES else ""
    blocks = []

    def name(document: str, operation: str) -> str:
        return (f"{_text(document)} · " if several and document else "") + _text(operation)

    for operations, found in groups:
        keys = " ".join(_key(*operation) for operation in operations)
        first = f"<code>{name(*operations[0])}</code>"
        more = f" and {count(len(operations) - 1, 'more operation')}" if len(operations) > 1 else ""
        others = ", ".join(f"<code>{name(*each)}</code>" for each in operations[1:])
        also = f'<p class="also">The same in {others}.</p>\n' if others else ""
        tables = "".join(_shape(shape) for shape in found)
        blocks.append(
            f'<details class="shape-op" id="shape-{_key(*operations[0])}" data-keys="{keys}"{opened}>'
            f"<summary>{first}{more} ({count(len(found), 'shape')})</summary>\n{also}{tables}</details>\n"
        )
    shaped = sum(len(operations) for operations, _ in groups)
    return (
        f'<section id="shapes">\n<h2>Shapes before and after '
        f"({count(shaped, 'operation')})</h2>\n"
        f"{''.join(blocks)}</section>\n"
    )


def _shape(shape: Shape) -> str:
    head = '<tr><th scope="col">base</th><th scope="col">revision</th><th scope="col">note</th></tr>'
    rows = []
    for before, after in _side_by_side(shape.lines):
        notes = list(dict.fromkeys(line.note for line in (before, after) if line is not None and line.note))
        rows.append(
            f"<tr>{_shape_cell(before)}{_shape_cell(after)}"
            f'<td class="note">{"<br>".join(_text(note) for note in notes)}</td></tr>\n'
        )
    return f"<h3>{_text(shape.title)}</h3>\n" + _table(head, "".join(rows), "shape")


def _shape_cell(line: ShapeLine | None) -> str:
    if line is None:
        return "<td></td>"
    kind = {"-": ' class="del"', "+": ' class="add"'}.get(line.mark, "")
    mark = line.mark if line.mark in "-+" else " "
    return f"<td{kind}>{mark} {'  ' * line.depth}{_text(line.text)}</td>"


def _side_by_side(lines: Iterable[ShapeLine]) -> list[tuple[ShapeLine | None, ShapeLine | None]]:
    """Rows of (base, revision): a context line on both sides; a run of `-` lines beside the
    run of `+` lines that follows it (a rename's old name beside its new one), the longer run
    going on alone."""
    rows: list[tuple[ShapeLine | None, ShapeLine | None]] = []
    removed: list[ShapeLine] = []
    added: list[ShapeLine] = []

    def flush() -> None:
        rows.extend(zip_longest(removed, added))
        removed.clear()
        added.clear()

    for line in lines:
        if line.mark == "-":
            if added:
                flush()
            removed.append(line)
        elif line.mark == "+":
            added.append(line)
        else:
            flush()
            rows.append((line, line))
    flush()
    return rows


def _table(head: str, rows: str, kind: str) -> str:
    """A table of class `kind`: `head` (a header row) and `rows` (each ends its line)."""
    return f'<table class="{kind}">\n<thead>\n{head.rstrip()}\n</thead>\n<tbody>\n{rows}</tbody>\n</table>\n'


def _ignored(report: Report) -> str:
    if not report.ignored:
        return ""
    rows = "".join(
        f"<tr><td>{_text(e.change.operation or 'document')}</td><td>{_text(e.change.message)}</td>"
        f"<td><code>{_text(e.change.id)}</code></td><td>{_text(e.reason)}</td></tr>\n"
        for e in report.ignored
    )
    head = "<tr><th>operation</th><th>change</th><th>rule</th><th>reason</th></tr>"
    return (
        '<section id="ignored">\n<details>\n'
        f"<summary>Ignored by the configuration ({len(report.ignored)})</summary>\n"
        f"{_table(head, rows, 'ignored')}</details>\n</section>\n"
    )


def _notes(report: Report) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{_text(note)}</li>\n" for note in report.notes)
    return f'<section id="notes">\n<h2>Notes</h2>\n<ul>\n{items}</ul>\n</section>\n'


class HtmlReporter:
    """The HTML report: one self-contained page."""

    needs = Needs(sources=True, shapes=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        out.write(html_report(report, options))
