"""The Train view's layer builder offers every layer the engine trains (AvgPool2D, Sigmoid, Tanh,
LeakyReLU with its slope, Dropout with its p), the input scaling to [-0.5, 0.5] as a Rescale layer
first, the bias switch and the initializer of Conv2D and Dense, and the one-sigmoid-output head
for two classes: the page sends them as the engine names them, the server's check accepts the
network with the shapes and parameter count worked out by hand below, and it trains."""

from tests.browser.trainform import (
    open_layer_builder,
    record_posts,
    run_to_the_end,
    type_in,
    wait_checked,
)

# The network built below, as the page must send it (before the server fills in in_channels and
# in_features).
BUILT = [
    {"type": "Rescale", "scale": 1, "offset": -0.5},
    {
        "type": "Conv2D",
        "out_channels": 4,
        "kernel_size": 3,
        "stride": 1,
        "padding": 0,
        "bias": False,
        "init": "xavier_uniform",
    },
    {"type": "Sigmoid"},
    {"type": "Conv2D", "out_channels": 4, "kernel_size": 3, "stride": 1, "padding": 0},
    {"type": "LeakyReLU", "negative_slope": 0.1},
    {"type": "AvgPool2D", "kernel_size": 2, "stride": 2},
    {"type": "Tanh"},
    {"type": "Flatten"},
    {"type": "Dropout", "p": 0.25},
    {"type": "Dense", "out_features": 1, "init": "simple"},
]
# By hand: 28 - 3 + 1 = 26, 26 - 3 + 1 = 24, pooled by 2: 12; 4·12·12 = 576 features.
SHAPES = [
    "→ 1×28×28",
    "→ 4×26×26",
    "→ 4×26×26",
    "→ 4×24×24",
    "→ 4×24×24",
    "→ 4×12×12",
    "→ 4×12×12",
    "→ 576",
    "→ 576",
    "→ 1",
]
# Parameters: 4·1·3·3 = 36 (no bias) + 4·4·3·3 + 4 = 148 + 576·1 + 1 = 577: 761.
NOTE = "Fits: 10 layers, 761 parameters, ending with 1 outputs."


def test_every_new_layer_is_built_checked_by_the_server_and_trained(page, open_view, screenshot):
    checks = record_posts(page, "/api/models/check")
    view, form, builder = open_layer_builder(page, open_view)

    # Start from nothing but the input scaling, then add the layers in their order.
    while builder.locator("[data-layer-row]").count():
        builder.get_by_label("remove layer 1").click()
    builder.locator("select[data-input-scaling]").select_option("centred")
    assert builder.locator("[data-layer-row='0']").get_attribute("data-layer-type") == "Rescale"
    kinds = [
        "Conv2D",
        "Sigmoid",
        "Conv2D",
        "LeakyReLU",
        "AvgPool2D",
        "Tanh",
        "Flatten",
        "Dropout",
        "Dense",
    ]
    for kind in kinds:
        builder.get_by_label("layer type to add").select_option(kind)
        builder.get_by_role("button", name="Add layer").click()
    type_in(builder.get_by_label("layer 2 Conv2D filters"), "4", event="change")
    builder.get_by_label("layer 2 Conv2D bias").uncheck()
    builder.get_by_label("layer 2 Conv2D init").select_option("xavier_uniform")
    type_in(builder.get_by_label("layer 4 Conv2D filters"), "4", event="change")
    type_in(builder.get_by_label("layer 5 LeakyReLU slope"), "0.1", event="change")
    type_in(builder.get_by_label("layer 9 Dropout drop p"), "0.25", event="change")
    type_in(builder.get_by_label("layer 10 Dense outputs"), "2", event="change")
    builder.get_by_label("layer 10 Dense init").select_option("simple")
    # Two classes (the default): one sigmoid output instead of two softmax outputs.
    head = builder.locator("input[data-sigmoid-head]")
    assert head.is_visible()
    head.check()
    wait_checked(page)
    page.wait_for_function(
        "(n) => document.querySelector(\"section[data-view='train'] [data-builder-note]\")"
        ".textContent.includes(n)",
        arg="761 parameters",
        timeout=20_000,
    )

    assert checks[-1]["spec"]["layers"] == BUILT, checks[-1]
    assert checks[-1]["classes"] == 2, checks[-1]
    assert builder.locator("[data-layer-shape]").all_inner_texts() == SHAPES
    assert builder.locator("[data-builder-note]").inner_text() == NOTE
    screenshot("train-builder-layers")

    # It trains: one epoch of 100 digits as fast as possible, the run ends done with a score.
    type_in(form.locator("input[name='train_size']"), "100", event="change")
    type_in(form.locator("input[name='epochs']"), "1", event="change")
    form.locator("[data-train-fast]").check()
    form.locator("[data-train-plan][data-fits='true']").wait_for(state="attached")
    finished = run_to_the_end(page, view)
    assert finished == "done", view.locator("[data-train-progress]").inner_text()
    view.locator("table[data-confusion]").wait_for(timeout=30_000)
