"""The HTML report (`--format html`): one self-contained page, parsed strictly (html5lib), scanned
for anything it would load, fed hostile names, and driven in a real browser (Debian's chromium
and chromium-driver, through selenium): the filters show and hide what they should, a folded
operation opens, the console stays clean, and the GitHub pair's page is interactive within 2 s."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace
from functools import cache
from pathlib import Path

import html5lib
import pytest

from conftest import GITHUB_GROUP, ROOT, github_outputs, run_cli
from oasguard.changes import Change, Ignored, Level, Report, Shape, ShapeLine, Source, Step, Subject
from oasguard.report import Format, RenderOptions, render
from oasguard.report.html import _SCRIPT, _STYLE

PETSTORE = ("fixtures/petstore/base.yaml", "fixtures/petstore/revision.yaml")
HOSTILE = ("fixtures/hostile/base.yaml", "fixtures/hostile/revision.yaml")
PACTS = ("--consumers", "fixtures/consumers/pacts/*.json")
LINK = "https://github.com/octo/petstore/blob/0123abc"

#: what a hostile name must never bring into the page's text or attributes: a control character,
#: a format character (bidi overrides, zero-width marks), a line or paragraph separator
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def parse(page: str) -> ET.Element:
    """The page as an element tree, parsed by html5lib in strict mode: any parse error (a stray
    tag, an unclosed element, a bad attribute) fails the test."""
    parser = html5lib.HTMLParser(
        strict=True, tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False
    )
    return parser.parse(page)


@cache
def cli_page(*args: str) -> str:
    result = run_cli("diff", "--format", "html", *args, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr  # breaking changes in every pair used here
    return result.stdout


@cache
def cli_json(*args: str) -> dict:
    result = run_cli("diff", "--format", "json", *args, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def rendered(report: Report, options: RenderOptions | None = None) -> str:
    out = io.StringIO()
    render(report, Format.HTML, out, options)
    return out.getvalue()


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def facts(tree: ET.Element) -> list[ET.Element]:
    return tree.findall(".//tr[@class='fact']")


def assert_self_contained(page: str, tree: ET.Element, link: str | None = None) -> None:
    """Nothing the page would fetch: no `src` at all, every `href` an anchor in the page (or a
    `--link` into the revision's files), no `url(` or `@import` in the style, and a policy that
    lets only the page's own style and script apply."""
    for element in tree.iter():
        assert "src" not in element.attrib, (element.tag, element.attrib)
        assert not any(name.startswith("on") for name in element.attrib), (element.tag, element.attrib)
        href = element.get("href")
        if href is not None:
            assert href.startswith("#") or (link is not None and href.startswith(link + "/")), href
        assert element.tag not in ("iframe", "object", "embed", "img", "link", "base", "form", "svg")
    assert "url(" not in page and "@import" not in page
    (policy,) = [m for m in tree.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.get("content").split(";"))
    assert directives["default-src"] == "'none'"
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/=]+'", directives["script-src"]), directives
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/=]+'", directives["style-src"]), directives
    # one script and one style, the page's own (the policy's hashes are theirs: the browser
    # tests below would show a refused one as a console error and filters that never appear)
    assert [s.text for s in tree.iter("script")] == [_SCRIPT]
    assert [s.text for s in tree.iter("style")] == [_STYLE]


def hidden(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if c != "\n" and unicodedata.category(c) in _HIDDEN]


# -- the page ------------------------------------------------------------------------------------


def test_the_petstore_page_parses_strictly_and_has_every_change_grouped_by_fact():
    page = cli_page("--link", LINK, *PETSTORE)
    tree = parse(page)
    assert_self_contained(page, tree, LINK)
    report = cli_json(*PETSTORE)
    # the headline counts facts and places, as the Markdown comment does
    assert "This change breaks clients: 8 breaking changes, in 10 places." in text_of(tree.find(".//header"))
    counts = {
        text_of(row.find("th")).split()[-1]: [text_of(cell) for cell in row.findall("td")]
        for row in tree.find(".//table[@class='counts']").iter("tr")
        if row.find("td") is not None
    }
    assert counts == {"breaking": ["8", "10"], "warning": ["1", "3"], "safe": ["4", "6"]}
    # every change is in its fact's row: the row of its `group`, at its level, naming its
    # operation (a fact in several operations folds them in a <details>)
    rows = {row.get("data-fact"): row for row in facts(tree)}
    assert len(rows) == 13 and len(report["changes"]) == 19
    for change in report["changes"]:
        row = rows[change["group"]]
        assert row.get("data-level") == change["level"] and row.get("data-rule") == change["id"]
        named = [each.get("data-op") for each in row.iter() if each.get("data-op") is not None]
        assert change["operation"] in named, (change, named)
    shared = [row for row in rows.values() if row.find(".//details") is not None]
    assert len(shared) == 3
    for row in shared:
        summary = text_of(row.find(".//details/summary"))
        assert summary == "3 operations" and len(row.findall(".//details/ul/li")) == 3
        assert "— in 3 operations" in text_of(row)
    # file:line links into the revision; a removal's line is the base's, not linked
    removed = next(r for r in rows.values() if r.get("data-rule") == "operation-removed")
    assert "fixtures/petstore/base.yaml:79 (base)" in text_of(removed) and removed.find(".//a") is None
    added = next(r for r in rows.values() if r.get("data-rule") == "required-request-parameter-added")
    links = [a.get("href") for a in added.iter("a")]
    # the operation links to its shapes in the page; the place links to the revision's line
    assert links[0].startswith("#shape-") and tree.find(f".//*[@id='{links[0][1:]}']") is not None
    assert links[1:] == [f"{LINK}/fixtures/petstore/revision.yaml#L28"]
    # the filters are there for the script to show (hidden without it: they would do nothing)
    filters = tree.find(".//div[@id='filters']")
    assert "hidden" in filters.attrib
    levels = [box.get("value") for box in filters.iter("input") if box.get("name") == "level"]
    assert levels == ["breaking", "warning", "safe"]
    rules = [option.get("value") for option in filters.find(".//select[@id='filter-rule']").iter("option")]
    assert rules[0] == "" and sorted(rules[1:]) == sorted({c["id"] for c in report["changes"]})
    # no consumer filter without consumers' evidence, and every row is shown
    assert filters.find(".//select[@id='filter-consumer']") is None
    assert not any("hidden" in row.attrib for row in rows.values())


def test_consumers_are_a_table_a_column_and_a_filter():
    page = cli_page(*PACTS, *PETSTORE)
    tree = parse(page)
    assert_self_contained(page, tree)
    section = tree.find(".//section[@id='consumers']")
    assert "Breaks 3 of 3 known consumers: billing, mobile-ios, web." in text_of(section)
    per_consumer = {
        text_of(row[0]): [text_of(cell) for cell in row[1:]]
        for row in section.iter("tr")
        if row.find("td") is not None
    }
    report = cli_json(*PACTS, *PETSTORE)
    for name, (breaking, warning, safe) in per_consumer.items():
        counted = [c["level"] for c in report["changes"] if name in c.get("consumers", [])]
        assert [breaking, warning, safe] == [
            str(counted.count(level)) for level in ("breaking", "warning", "safe")
        ]
    consumer = tree.find(".//select[@id='filter-consumer']")
    assert [option.get("value") for option in consumer.iter("option")] == ["", "billing", "mobile-ios", "web"]
    assert [text_of(th) for th in tree.find(".//section[@id='breaking']//thead")[0]] == [
        "operation",
        "change",
        "consumers",
        "rule",
        "where",
    ]
    named = {row.get("data-fact"): json.loads(row.get("data-consumers")) for row in facts(tree)}
    for change in report["changes"]:
        assert set(change.get("consumers", [])) <= set(named[change["group"]])


def test_output_html_writes_the_page_beside_the_text_report(tmp_path: Path):
    target = tmp_path / "report.html"
    result = run_cli("diff", "--output", f"html={target}", *PETSTORE, cwd=ROOT)
    assert result.returncode == 1 and not result.stderr, result.stderr
    assert result.stdout.rstrip().endswith("13 changes, in 19 places: 8 breaking, 1 warning, 4 safe")
    page = target.read_text(encoding="utf-8")
    assert page == cli_page(*PETSTORE)
    parse(page)


def test_an_output_path_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path):
    target = tmp_path / "missing" / "report.html"
    result = run_cli("diff", "--output", f"html={target}", *PETSTORE, cwd=ROOT)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "--output" in line and "report.html" in line


def test_approved_breaking_changes_say_so():
    page = cli_page("--approved-by", "label <ok> to break", *PETSTORE)
    tree = parse(page)
    assert text_of(tree.find(".//h1")).endswith("oasguard: breaking changes approved")
    assert "The breaking changes are approved by label <ok> to break." in text_of(tree.find(".//header"))
    assert text_of(tree.find(".//section[@id='breaking']/h2")).endswith(
        "Breaking changes (approved) (8 in 10 places)"
    )


def test_no_changes_is_a_short_page():
    page = rendered(Report(changes=[], base="a.yaml", revision="b.yaml"))
    tree = parse(page)
    assert text_of(tree.find(".//header/p")) == "No changes to the API contract."
    assert tree.find(".//div[@id='filters']") is None and not facts(tree)


def test_several_documents_have_a_document_column_and_their_own_shapes():
    report = Report(
        [replace(_change("GET /a"), document=name) for name in ("one/openapi.yaml", "two/openapi.yaml")],
        shapes=(Shape("GET /a", "parameters", (ShapeLine("+", 0, "q: string"),), "two/openapi.yaml"),),
    )
    tree = parse(rendered(report))
    rows = facts(tree)
    assert [text_of(row[0]) for row in rows] == ["one/openapi.yaml", "two/openapi.yaml"]
    assert text_of(tree.find(".//section[@id='breaking']//thead/tr")[0]) == "document"
    # the same operation in two documents: only the second's has shapes, and only it links
    (block,) = tree.findall(".//details[@class='shape-op']")
    assert text_of(block.find("summary")) == "two/openapi.yaml · GET /a (1 shape)"
    assert rows[0].find(".//a") is None and rows[1].find(".//a").get("href") == "#" + block.get("id")


# -- shapes --------------------------------------------------------------------------------------


def _change(
    operation: str, level: Level = Level.BREAKING, message: str = "response property 'userName' was renamed"
):
    method, path = operation.split(" ", 1)
    subject = Subject(method, path, steps=(Step("response", "200"),))
    pointer = f"/paths/{path}"  # one change per operation: no two are one fact
    return Change(
        "response-property-renamed", level, message, subject, pointer, source=Source("api.yaml", 12)
    )


SHAPE = Shape(
    "GET /users/{id}",
    "response 200 application/json",
    (
        ShapeLine(" ", 0, '"id": string'),
        ShapeLine("-", 0, '"userName": string', "renamed to 'username'"),
        ShapeLine("-", 0, '"avatar_url": string | null'),
        ShapeLine("+", 0, '"username": string', "renamed to 'username'"),
        ShapeLine(" ", 0, '"address": {'),
        ShapeLine("-", 1, '"zip": string, maxLength 10'),
        ShapeLine("+", 1, '"zip": string, maxLength 5'),
        ShapeLine("+", 1, '"country": string'),
        ShapeLine(" ", 1, "…"),
        ShapeLine(" ", 0, "}"),
    ),
)


def test_a_shape_is_base_beside_revision_with_the_notes():
    report = Report(changes=[_change("GET /users/{id}"), _change("GET /other")], shapes=(SHAPE,))
    tree = parse(rendered(report))
    (block,) = tree.findall(".//details[@class='shape-op']")
    assert "open" in block.attrib
    assert text_of(block.find("summary")) == "GET /users/{id} (1 shape)"
    assert text_of(block.find("h3")) == "response 200 application/json"
    rows = [[text_of(cell) for cell in row] for row in block.find(".//tbody")]
    assert rows == [
        ['  "id": string', '  "id": string', ""],
        # a removal beside the addition that follows it (a rename reads across), the longer run
        # going on alone; the note beside the row, once
        ['- "userName": string', '+ "username": string', "renamed to 'username'"],
        ['- "avatar_url": string | null', "", ""],
        ['  "address": {', '  "address": {', ""],
        ['-   "zip": string, maxLength 10', '+   "zip": string, maxLength 5', ""],
        ["", '+   "country": string', ""],
        ["    …", "    …", ""],
        ["  }", "  }", ""],
    ]
    marks = [[cell.get("class") for cell in row][:2] for row in block.find(".//tbody")]
    assert marks[1] == ["del", "add"] and marks[2] == ["del", None] and marks[5] == [None, "add"]
    # the operation in the fact's row links to its shapes; one without shapes does not link
    links = {row.find(".//td[@data-op]").get("data-op"): row.find(".//a") for row in facts(tree)}
    assert links["GET /users/{id}"].get("href") == "#" + block.get("id") and links["GET /other"] is None
    # the shapes come after the breaking changes and before the safe ones
    sections = [section.get("id") for section in tree.find(".//main").iter("section")]
    assert sections == ["breaking", "shapes"]


def test_no_shapes_section_without_shapes_and_many_operations_folded():
    assert "shapes" not in {s.get("id") for s in parse(rendered(Report([_change("GET /a")]))).iter("section")}
    many = tuple(Shape(f"GET /p{n}", "parameters", (ShapeLine("+", 0, f"q{n}: string"),)) for n in range(30))
    report = Report([_change(f"GET /p{n}") for n in range(30)], shapes=many)
    blocks = parse(rendered(report)).findall(".//details[@class='shape-op']")
    assert len(blocks) == 30 and not any("open" in block.attrib for block in blocks)


def test_operations_with_the_same_shapes_share_one_block():
    """A changed component returned by several operations draws the same shape for each: it is
    shown once, naming them all, and each operation's row links to it."""
    same = (ShapeLine("-", 0, '"license": string'), ShapeLine("+", 0, '"license": string | null'))
    shapes = (
        Shape("GET /a", "response 200 application/json", same),
        Shape("GET /b", "response 200 application/json", same),
        Shape("GET /c", "response 200 application/json", (ShapeLine("+", 0, '"c": string'),)),
    )
    tree = parse(rendered(Report([_change(op) for op in ("GET /a", "GET /b", "GET /c")], shapes=shapes)))
    blocks = tree.findall(".//details[@class='shape-op']")
    assert [text_of(block.find("summary")) for block in blocks] == [
        "GET /a and 1 more operation (1 shape)",
        "GET /c (1 shape)",
    ]
    assert text_of(blocks[0].find("p")) == "The same in GET /b."
    assert len(blocks[0].get("data-keys").split()) == 2 and len(blocks[1].get("data-keys").split()) == 1
    links = {row.find(".//td[@data-op]").get("data-op"): row.find(".//a").get("href") for row in facts(tree)}
    assert links["GET /a"] == links["GET /b"] == "#" + blocks[0].get("id") != links["GET /c"]


# -- hostile names -------------------------------------------------------------------------------

EVIL = "</script><script>alert(1)</script>\"'><img src=x onerror=alert(2)>\n::error::x\x1b[31m\u202eevil<!--"


def hostile_report() -> Report:
    """Every field a page shows, written by an attacker."""
    subject = Subject("GET", f"/{EVIL}", steps=(Step("parameter", EVIL, "query"),))
    change = Change(
        "request-enum-value-removed",
        Level.BREAKING,
        f"enum value '{EVIL}' was removed",
        subject,
        "/paths/x",
        source=Source(f"{EVIL}.yaml", 3),
        document=EVIL,
        consumers=(EVIL, "web"),
    )
    other = Change("operation-added", Level.SAFE, EVIL, Subject("POST", f"/{EVIL}"), "/p", document="b.yaml")
    shape = Shape(f"GET /{EVIL}", EVIL, (ShapeLine("-", 0, EVIL, EVIL), ShapeLine("+", 0, EVIL)), EVIL)
    return Report(
        changes=[change, other],
        base=EVIL,
        revision=EVIL,
        ignored=[Ignored(other, EVIL)],
        notes=[EVIL],
        known_consumers=(EVIL, "web"),
        attributed=True,
        shapes=(shape,),
    )


def assert_nothing_injected(page: str, link: str | None = None) -> ET.Element:
    tree = parse(page)
    assert_self_contained(page, tree, link)
    for element in tree.iter():
        for value in (element.text or "", element.tail or "", *element.attrib.values()):
            if element.tag not in ("script", "style"):
                assert not hidden(value), (element.tag, value)
    # no element, attribute or comment came from the names: only the page's own tags
    allowed = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "code",
        "main",
    }
    allowed |= {"section", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "ul", "li", "a"}
    allowed |= {"span", "div", "fieldset", "legend", "label", "input", "select", "option", "datalist"}
    allowed |= {"button", "script", "br"}
    assert {element.tag for element in tree.iter() if isinstance(element.tag, str)} <= allowed
    assert not [element for element in tree.iter() if element.tag is ET.Comment]
    return tree


def test_hostile_names_inject_nothing():
    options = RenderOptions(link=LINK + '"><script>alert(3)</script>', approved=EVIL)
    page = rendered(hostile_report(), options)
    tree = assert_nothing_injected(
        page, "https://github.com/octo/petstore/blob/0123abc%22%3E%3Cscript%3Ealert%283%29%3C/script%3E"
    )
    # the names are there, shown as text (controls and bidi made visible escapes)
    shown = EVIL.replace("\n", "\\n").replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    assert shown in text_of(tree.find(".//section[@id='breaking']"))
    assert shown in text_of(tree.find(".//section[@id='shapes']"))
    assert shown in text_of(tree.find(".//section[@id='notes']"))
    assert shown in text_of(tree.find(".//section[@id='ignored']"))
    consumers = {
        json.loads(row.get("data-consumers"))[0] for row in facts(tree) if row.get("data-consumers") != "[]"
    }
    assert consumers == {shown}


def test_the_hostile_fixture_injects_nothing():
    page = cli_page(*HOSTILE)
    tree = assert_nothing_injected(page)
    assert "<script>" in text_of(tree.find(".//main"))  # the fixture's names, as text


# -- the GitHub pair -----------------------------------------------------------------------------


def github_page() -> str:
    return github_outputs()["html"]  # of a run that exited 1


@pytest.mark.corpus
@GITHUB_GROUP
def test_the_github_pair_page_carries_every_change_and_stays_small():
    page = github_page()
    tree = parse(page)
    assert_self_contained(page, tree)
    report = json.loads(github_outputs()["json"])
    assert len(report["changes"]) > 1700
    assert "This change breaks clients: 57 breaking changes, in 164 places." in text_of(
        tree.find(".//header")
    )
    rows = {row.get("data-fact"): row for row in facts(tree)}
    named = {
        key: {e.get("data-op") for e in row.iter() if e.get("data-op") is not None}
        for key, row in rows.items()
    }
    for change in report["changes"]:
        row = rows[change["group"]]
        assert row.get("data-level") == change["level"] and change["operation"] in named[change["group"]]
    # 1,752 changes in about 600 rows, each fact's operations folded: about 0.5 MB (45 kB gzipped)
    assert len(rows) < 700 and len(page.encode()) < 1_000_000


# -- in a real browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, driven by selenium through Debian's chromium-driver (never a
    downloaded browser). Skipped where they cannot be had, except on CI, which installs them."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium")
    if missing:
        message = f"the browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def open_page(driver, tmp_path: Path, page: str, name: str = "report.html"):
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    driver.get(path.as_uri())
    driver.get_log("browser")  # what an earlier page left
    return driver


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def shown(driver) -> dict[str, list[str]]:
    """The rows shown, by level: each row's rule."""
    found: dict[str, list[str]] = {}
    for row in driver.find_elements("css selector", "tr.fact"):
        if row.is_displayed():
            found.setdefault(row.get_attribute("data-level"), []).append(row.get_attribute("data-rule"))
    return found


@pytest.mark.xdist_group("browser")
def test_the_filters_show_and_hide_in_a_browser(browser, tmp_path: Path):
    from selenium.webdriver.support.ui import Select

    driver = open_page(browser, tmp_path, cli_page(*PACTS, *PETSTORE))
    assert driver.execute_script("return document.documentElement.dataset.ready") == "true"
    everything = shown(driver)
    assert {level: len(rules) for level, rules in everything.items()} == {
        "breaking": 8,
        "warning": 1,
        "safe": 4,
    }
    assert driver.find_element("id", "shown").text == "Showing all 13 changes."

    # level: breaking unticked hides its rows and its section, ticked shows them again
    box = driver.find_element("css selector", "input[name=level][value=breaking]")
    box.click()
    assert "breaking" not in shown(driver) and len(shown(driver)["safe"]) == 4
    assert not driver.find_element("id", "breaking").is_displayed()
    assert driver.find_element("id", "shown").text == "Showing 5 of 13 changes."
    box.click()
    assert shown(driver) == everything

    # rule: only that rule's rows
    Select(driver.find_element("id", "filter-rule")).select_by_value("response-property-removed")
    assert shown(driver) == {"breaking": ["response-property-removed"]}
    driver.find_element("id", "filter-reset").click()
    assert shown(driver) == everything

    # operation: the rows naming it; a fact in several operations shows only the matching ones
    search = driver.find_element("id", "filter-operation")
    search.send_keys("put /pets")
    assert shown(driver) == {"safe": ["operation-added"]}
    search.clear()
    search.send_keys("/stores/")
    assert shown(driver) == {"breaking": ["security-requirement-added"]}
    search.clear()
    search.send_keys("GET /pets/{petId}")
    visible = shown(driver)
    assert (
        "response-property-removed" in visible["breaking"] and "operation-removed" not in visible["breaking"]
    )
    row = driver.find_element("css selector", "tr.fact[data-rule=response-property-removed]")
    row.find_element("tag name", "summary").click()  # a folded operation opens
    items = [item for item in row.find_elements("tag name", "li") if item.is_displayed()]
    assert [item.text for item in items] == ["GET /pets/{petId}"]
    driver.find_element("id", "filter-reset").click()
    assert len([item for item in row.find_elements("tag name", "li") if item.is_displayed()]) == 3

    # consumer: only the rows that break it
    Select(driver.find_element("id", "filter-consumer")).select_by_value("web")
    web = {c["id"] for c in cli_json(*PACTS, *PETSTORE)["changes"] if "web" in c.get("consumers", [])}
    assert web == {"response-property-removed", "response-enum-value-added"}
    assert shown(driver) == {
        "breaking": ["response-property-removed"],
        "warning": ["response-enum-value-added"],
    }
    assert console_errors(driver) == []


@pytest.mark.xdist_group("browser")
def test_hostile_names_run_nothing_in_a_browser(browser, tmp_path: Path):
    driver = open_page(browser, tmp_path, rendered(hostile_report(), RenderOptions(approved=EVIL)))
    # the page's own script ran (its policy let it), and nothing else did: no alert, no image
    assert driver.execute_script("return document.documentElement.dataset.ready") == "true"
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.execute_script("return document.images.length") == 0
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 (reading it is the check)
    assert len(shown(driver)["breaking"]) == 1
    assert console_errors(driver) == []


@pytest.mark.corpus
@pytest.mark.xdist_group("browser")
def test_the_github_pair_is_interactive_within_two_seconds(browser, tmp_path: Path):
    """Measured by the browser itself: from navigation to DOMContentLoaded (the page parsed and
    its script run), then the first filter (every row hidden or shown, and laid out)."""
    driver = open_page(browser, tmp_path, github_page(), "github.html")
    loaded = driver.execute_script(
        "return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    filtered = driver.execute_script(
        """const start = performance.now();
        document.querySelector("input[name=level][value=safe]").click();
        document.body.offsetHeight;
        return performance.now() - start;"""
    )
    assert "safe" not in shown(driver)
    assert loaded + filtered < 2000, (loaded, filtered)
    assert console_errors(driver) == []


def test_the_examples_hold_the_petstore_page_and_its_screenshot():
    examples = ROOT / "docs" / "examples"
    assert (examples / "petstore.html").read_text(encoding="utf-8") == cli_page(*PETSTORE)
    assert (examples / "petstore-html.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
