"""A notebook set-up opened by its link (`recipe=sigmoid-0-vs-1`) fills the Train form with the
server's recipe; the server's refusals of what this small test dataset cannot serve are shown
beside their fields; with those two sizes lowered, the run the page starts is the recipe's, the
two-class network with one sigmoid output trains, and its accuracy on the first test digits of
the two classes is shown."""

from tests.browser.axecheck import serious_violations
from tests.browser.trainform import VIEW, record_posts, run_to_the_end, type_in, wait_form_ready

RECIPE = "sigmoid-0-vs-1"
# The browser tests' dataset is small: 600 training and about 40 test digits of classes 0 and 1.
TRAIN_SIZE, TEST_SIZE = 300, 30


def test_the_sigmoid_recipe_fills_the_form_and_trains(page, open_view, server, screenshot):
    recipe = next(r for r in server.api("GET", "/api/train/recipes") if r["name"] == RECIPE)
    config = recipe["config"]
    started = record_posts(page, "/api/train")
    view = open_view(f"train&recipe={RECIPE}")
    form = view.locator("[data-train-form]")
    note = form.locator("[data-recipe-note]")
    note.wait_for(timeout=20_000)
    assert recipe["note"] in note.inner_text()
    assert form.locator("select[data-recipe]").input_value() == RECIPE
    wait_form_ready(page)
    assert form.locator("select[name='model']").input_value() == config["model"]
    assert form.locator("select[name='optimizer']").input_value() == config["optimizer"]
    assert float(form.locator("input[name='lr']").input_value()) == config["lr"]
    assert form.locator("select[name='train_subset']").input_value() == "first"
    assert form.locator("select[name='test_subset']").input_value() == "first"

    # This dataset holds fewer digits than the recipe asks for: the server says so at each field.
    for name in ("train_size", "test_size"):
        error = form.locator(f"[data-field-error='{name}']")
        error.wait_for(timeout=20_000)
        assert "at most" in error.inner_text(), error.inner_text()
    screenshot("train-recipe-refused")

    type_in(form.locator("input[name='train_size']"), str(TRAIN_SIZE))
    type_in(form.locator("input[name='test_size']"), str(TEST_SIZE))
    form.locator("[data-train-plan][data-fits='true']").wait_for(state="attached", timeout=20_000)
    assert run_to_the_end(page, view) == "done"

    # The page started the recipe's run, with only the two sizes this dataset needs changed.
    sent = started[-1]
    expected = {**config, "train_size": TRAIN_SIZE, "test_size": TEST_SIZE}
    assert {key: sent.get(key) for key in expected} == expected, sent

    # Its accuracy on the first test zeros and ones is shown, as the server recorded it. These
    # synthetic digits are easy: a band, not a number, since it comes from training.
    metrics = view.locator("[data-train-metrics]")
    label = f"accuracy on the first {TEST_SIZE} test digits"
    metrics.get_by_text(label, exact=False).wait_for(timeout=30_000)
    pairs = dict(
        zip(
            metrics.locator("dt").all_inner_texts(),
            metrics.locator("dd").all_inner_texts(),
            strict=True,
        )
    )
    shown = next(value for key, value in pairs.items() if key.startswith("accuracy on"))
    assert float(shown.rstrip("%")) >= 95.0, pairs
    screenshot("train-recipe-done")


def test_a_spec_recipe_opens_the_builder_with_its_layers_and_groups(sized_page, server, screenshot):
    """The scratch classifier's set-up is a layer spec with AdaGrad for its dense layers: the
    builder holds its layers (the server's check agrees with the recipe's own in_features), and
    the group names them; pictured at the three sizes the page is built for."""
    recipe = next(
        r for r in server.api("GET", "/api/train/recipes") if r["name"] == "scratch-classifier"
    )
    layers = recipe["config"]["spec"]["layers"]
    group = recipe["config"]["param_groups"][0]
    for size in ("laptop", "projector", "phone"):
        page = sized_page(size)
        page.goto(f"{server.url}/#tab=train&recipe=scratch-classifier")
        builder = page.locator(f"{VIEW} [data-layer-builder][data-check='fits']")
        builder.wait_for(state="attached", timeout=20_000)
        types = builder.locator("[data-layer-row]").evaluate_all(
            "rows => rows.map((r) => r.dataset.layerType)"
        )
        assert types == [layer["type"] for layer in layers], types
        # The first dense layer's input, as the server worked it out, is the recipe's.
        first_dense = next(i for i, layer in enumerate(layers) if layer["type"] == "Dense")
        shape = builder.locator(f"[data-layer-row='{first_dense - 1}'] [data-layer-shape]")
        assert shape.inner_text() == f"→ {layers[first_dense]['in_features']}"
        boxes = page.locator(f"{VIEW} [data-param-group='0'] input[data-group-layer]")
        boxes.first.wait_for(timeout=20_000)
        checked = boxes.evaluate_all("bs => bs.filter((b) => b.checked).map((b) => b.value)")
        assert checked == group["layers"], checked
        screenshot(f"train-recipe-builder-{size}", page)
        blocking = serious_violations(page)
        assert not blocking, f"axe at {size}: {blocking}"
