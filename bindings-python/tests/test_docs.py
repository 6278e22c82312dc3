"""docs/python.md's Python examples run, and say what they give: a line
`expression  # "value"` (or b"value") must give that value."""

import os
import re

from conftest import ROOT

DOC = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", DOC, re.S)
CLAIM = re.compile(r'^(\s*)(\S.*?)\s+#\s+(b?"[^"]*")')


def checked(block):
    """The block with each claimed value turned into an assert."""
    lines = []
    for line in block.splitlines():
        match = CLAIM.match(line)
        if match:
            indent, expression, value = match.groups()
            line = f"{indent}assert ({expression}) == {value}, ({expression!r}, {expression})"
        lines.append(line)
    return "\n".join(lines)


def test_the_doc_has_examples_with_claims():
    assert len(BLOCKS) >= 3
    assert sum(1 for b in BLOCKS for line in b.splitlines() if CLAIM.match(line)) >= 4


def test_the_docs_examples_give_what_they_say(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace = {}
    for block in BLOCKS:
        exec(compile(checked(block), "docs/python.md", "exec"), namespace)
    assert os.getcwd() == str(ROOT)
