"""axe-core (the rules of axe-playwright-python's bundled script) on every view at every size the
page is built for, and on the projector in presentation mode, each once it has drawn its data
(the Train view with a finished run: its charts and confusion matrix): no violation of impact
"serious" or "critical". A failure lists each violation: its rule, what it asks, and the
elements at fault with axe's summary of what to fix."""

from __future__ import annotations

import pytest
from tests.browser.conftest import SIZES
from tests.browser.pages import VIEWS, open_rendered

#: The impacts this project does not ship (axe's scale: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")
#: Each size of conftest.SIZES, and the projector in presentation mode.
SCREENS = {size: (size, "") for size in SIZES} | {"present": ("projector", "&present=1")}


def describe(violation: dict) -> str:
    """One violation as text: rule, impact and help, then each element with axe's summary."""
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:8]:
        summary = " ".join((node.get("failureSummary") or "").split())
        lines.append(f"    {' > '.join(map(str, node['target']))}: {summary[:300]}")
    if len(violation["nodes"]) > 8:
        lines.append(f"    ... and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_nothing_serious(sized_page, server, request, screen, view):
    from axe_playwright_python.sync_playwright import Axe

    size, keys = SCREENS[screen]
    page = sized_page(size)
    job = request.getfixturevalue("finished_run") if view == "train" else None
    open_rendered(page, server.url, view, job, keys)
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(describe(v) for v in blocking)
    assert not blocking, f"axe on {view} ({screen}): {len(blocking)} violations\n{report}"
