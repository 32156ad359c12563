"""Every table of the pages can take the keyboard focus (``tabindex="0"``): on a phone a DSFR table scrolls
sideways, and a table holding no link nor button could not be scrolled with the keyboard (axe
scrollable-region-focusable, WCAG 2.1.1). Whether axe sees it depends on the data, so the rule is checked on the
templates themselves."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "cordee" / "www" / "templates"


def test_every_table_of_the_pages_is_focusable():
    missing = [
        f"{path.relative_to(TEMPLATES)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for text in [path.read_text(encoding="utf-8")]
        for match in re.finditer(r"<table\b[^>]*>", text)
        if 'tabindex="0"' not in match.group(0)
    ]
    assert not missing, 'Tableaux sans tabindex="0" : ' + ", ".join(missing)
