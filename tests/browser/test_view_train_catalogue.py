"""The Train view offers what GET /api/catalogue lists: its networks (presets) and optimizers.

The page's catalogue is the server's with one preset and one optimizer added (a route in the
browser), so a form that still kept its own lists would not offer them.
"""

from tests.browser.trainform import wait_form_ready

EXTRA_PRESET = {
    "name": "widenet",
    "description": "A preset only this test's catalogue has: 32 filters, one dense layer.",
    "parameters": 1234567,
}
EXTRA_OPTIMIZER = {"name": "lion", "description": "An optimizer only this test's catalogue has."}


def test_the_form_offers_the_catalogues_presets_and_optimizers(page, open_view, server, screenshot):
    served = server.api("GET", "/api/catalogue")
    requests = []

    def extended(route):
        requests.append(route.request.url)
        response = route.fetch()
        body = response.json()
        preset = {**EXTRA_PRESET, "spec": body["presets"][0]["spec"], "layers": []}
        body["presets"].append(preset)
        body["optimizers"].append({**EXTRA_OPTIMIZER, "arguments": []})
        route.fulfill(response=response, json=body)

    page.route("**/api/catalogue", extended)
    view = open_view("train")
    form = view.locator("[data-train-form]")
    network = form.get_by_label("Network")
    optimizer = form.get_by_label("Optimizer")
    wait_form_ready(page)

    def options(select):
        return select.locator("option").evaluate_all("(os) => os.map((o) => [o.value, o.text])")

    networks = options(network)
    names = [p["name"] for p in served["presets"]] + [EXTRA_PRESET["name"], "custom"]
    assert [value for value, _ in networks] == names, networks
    for preset in served["presets"]:
        text = dict(networks)[preset["name"]]
        assert f"{preset['parameters']:,} parameters" in text, (preset["name"], text)
    assert [value for value, _ in options(optimizer)] == [
        o["name"] for o in served["optimizers"]
    ] + [EXTRA_OPTIMIZER["name"]]

    # The chosen network says what it is, in the catalogue's words.
    note = form.locator("[data-network-note]")
    assert network.input_value() == "simple"
    assert note.inner_text() == served["presets"][0]["description"]
    network.select_option(EXTRA_PRESET["name"])
    assert note.inner_text() == EXTRA_PRESET["description"]
    assert "1,234,567 parameters" in dict(options(network))[EXTRA_PRESET["name"]]
    optimizer.select_option(EXTRA_OPTIMIZER["name"])
    stored = page.evaluate("async () => (await import('/js/shell.js')).store.state.trainForm")
    assert stored["model"] == EXTRA_PRESET["name"], stored
    assert stored["optimizer"] == EXTRA_OPTIMIZER["name"], stored

    network.select_option("custom")
    form.locator("[data-layer-builder] [data-layer-row]").first.wait_for(state="visible")
    page.wait_for_selector(
        "section[data-view='train'] [data-layer-builder][data-check='fits']",
        state="attached",
        timeout=20_000,
    )
    screenshot("train-catalogue")

    # Asked once, however often the view and the shell want it.
    page.evaluate("async () => { const s = await import('/js/shell.js'); await s.catalogue(); }")
    assert len(requests) == 1, requests
