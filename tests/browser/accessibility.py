"""Accessibility checks with axe-core (bundled by axe-playwright-python), strict: any violation fails."""

from axe_playwright_python.sync_playwright import Axe

# RGAA 4 follows WCAG 2.1 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def format_violations(violations):
    """One readable block per violation: rule, impact, what to fix, and the elements at fault."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … et {len(violation['nodes']) - 5} autres éléments")
    return "\n".join(lines)


def assert_accessible(page, context=None):
    """Run axe on the page as it is now and fail with the list of WCAG 2.1 A/AA violations."""
    found = violations(page, context)
    assert not found, f"Problèmes d'accessibilité sur {page.url} :\n{format_violations(found)}"


def violations(page, context=None) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations of the page as it is now (for a test that collects them instead of failing at
    the first)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, context=context, options=options).response["violations"]
