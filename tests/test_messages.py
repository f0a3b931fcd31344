"""What the tool says: every rule it can emit is in the README's findings table with an
upper-case id, and every hint names an option the CLI has."""
from __future__ import annotations

import ast
import re
from functools import cache

import typer
import typer.main

from conftest import REPO

from govreport.cli import app

SOURCE = sorted((REPO / "extractor").rglob("*.py"))
RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")


def _calls():
    for path in SOURCE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            yield path, node


@cache
def emitted_rules() -> dict[str, str]:
    """rule id -> file, for every id the code can put in a finding: Finding(rule=...),
    ReaderNote(id, ...), SumRule/KeyRule/ProseRule(id, ...) and `rule = "..."`."""
    found = {}
    for path, node in _calls():
        candidates = []
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            candidates += [k.value for k in node.keywords if k.arg == "rule"]
            if name.endswith(("Rule", "Note")):
                candidates += node.args[:1] + [k.value for k in node.keywords if k.arg == "id"]
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "rule" for t in node.targets):
            candidates.append(node.value)
        for c in candidates:
            if isinstance(c, ast.Constant) and isinstance(c.value, str) and RULE_ID.match(c.value):
                found[c.value] = path.name
    return found


def readme_rules() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index("### Findings"):]
    ids = set()
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            if ids:
                break
            continue
        first = line.split("|")[1].strip()
        if first in ("rule", "---") or set(first) <= {"-"}:
            continue
        ids.update(x.strip() for x in first.split(","))
    return ids


def test_the_scan_sees_rules_of_every_kind():
    found = emitted_rules()
    assert {"T3-BALANCE", "NEGATIVE", "MISSING-ROW", "FUSED-AMBIGUOUS", "PDF-CID", "OCR", "NOT-A-REPORT"} <= set(found)


def test_rule_ids_are_upper_case():
    assert {rule: where for rule, where in emitted_rules().items() if rule != rule.upper()} == {}


def test_the_readme_lists_every_rule_the_tool_can_emit():
    emitted, listed = set(emitted_rules()), readme_rules()
    assert emitted - listed == set(), "rules missing from the README's findings table"
    assert listed - emitted == set(), "README rules the code cannot emit"


def _options() -> set[str]:
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    commands = [group.get_command(ctx, name) for name in group.list_commands(ctx)]    # lazy ones built too
    return {o for cmd in commands for p in cmd.params for o in getattr(p, "opts", [])
            if o.startswith("--")}


def _read_error_hints():
    """(file, text) of every constant piece of a ReadError's problem and hint."""
    for path, node in _calls():
        if isinstance(node, ast.Call) and (getattr(node.func, "id", None) or getattr(node.func, "attr", "")) == "ReadError":
            for arg in node.args[:2]:
                for piece in ast.walk(arg):
                    if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                        yield path.name, piece.value


OTHER_TOOLS = re.compile(r"\b(?:qpdf|soffice|tesseract|pdftotext)\b[^,;)]*")     # their options, not ours


def test_every_hint_names_an_option_that_exists():
    options = _options()
    assert {"--max-pages", "--timeout", "--ocr", "--memory-limit"} <= options
    named = [(where, o) for where, text in _read_error_hints()
             for o in re.findall(r"--[a-z][a-z-]*", OTHER_TOOLS.sub("", text))]
    assert named, "the scan finds the hints"
    assert [(where, o) for where, o in named if o not in options] == []
    # never a Python parameter posing as an option (`raise max_pages`)
    assert [(where, t) for where, t in _read_error_hints() if re.search(r"\b(max_pages|max_seconds)\b", t)] == []


# words a Chinese finding message may carry: format and tool names, units, our options
ALLOWED_ASCII = {"PDF", "OCR", "Unicode", "DOCX", "XLSX", "HTML", "MB", "KB", "ocr", "altChunk"}


def _message_templates():
    """(file, line, text) of every constant piece of a finding message: Finding(message=...),
    the rules' message=..., ReaderNote's message, and the `msg`/`note`/`why` they are built from."""
    for path, node in _calls():
        targets = []
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            targets += [k.value for k in node.keywords if k.arg == "message"]
            if name == "ReaderNote":
                targets += node.args[2:3]
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if (getattr(t, "id", None) or getattr(t, "attr", None)) in ("msg", "message", "note", "why"):
                    targets.append(node.value)
        for t in targets:
            for piece in ast.walk(t):
                if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                    yield path.name, piece.lineno, piece.value


def _ascii_words(text: str) -> set[str]:
    text = re.sub(r"\{[a-z_]+\}", "", text)                  # str.format fields of the rules' messages
    text = re.sub(r"--[a-z][a-z-]*(?:\s+[a-z][a-z-]*=\S+)?", "", text)   # our options (--ocr, --limit name=N)
    return set(re.findall(r"[A-Za-z][A-Za-z]+", text)) - ALLOWED_ASCII - set(emitted_rules())


def test_finding_message_templates_are_chinese():
    templates = list(_message_templates())
    assert len(templates) > 20, "the scan finds the messages"
    assert [(f, line, t) for f, line, t in templates if _ascii_words(t)] == []


def test_messages_of_real_findings_name_cells_by_label():
    """Every fixture's findings: Chinese, no key ids, no Python values."""
    from govreport import parse
    messages = []
    for path in sorted((REPO / "fixtures").iterdir()):
        if path.suffix in (".html", ".txt", ".md", ".docx"):
            messages += [(path.name, f.rule, f.message) for f in parse(path).findings]
    assert {rule for _, rule, _ in messages} >= {"T4-GROUP-SUM", "FUSED-AMBIGUOUS", "T3-BALANCE", "NEGATIVE"}
    bad = [(name, rule, m) for name, rule, m in messages
           if re.search(r"\bt[234]\.|None|\bnull\b", m) or _ascii_words(m)]
    assert bad == []
