"""axe-core on a page in whatever state a test has put it in (the views' first states are checked
in test_accessibility): its serious and critical violations, each rule with its elements."""


def serious_violations(page) -> list[tuple[str, list]]:
    """axe-core's violations of impact serious or critical on `page`: (rule, first elements)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        (v["id"], [n["target"] for n in v["nodes"][:5]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
