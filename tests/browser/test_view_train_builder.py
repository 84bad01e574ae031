"""The Train view's layer builder shows the server's shapes (POST /api/models/check), and the
server's message beside a layer that does not fit; the page works out no shape itself, and a
run trains the layers as the server checked them."""

from tests.browser.trainform import open_layer_builder, record_posts, run_to_the_end, wait_checked

# The builder's starting layers for 2 classes, as the page sends them.
STARTER = [
    {"type": "Conv2D", "out_channels": 8, "kernel_size": 3, "stride": 1, "padding": 0},
    {"type": "ReLU"},
    {"type": "MaxPool2D", "kernel_size": 2, "stride": 2},
    {"type": "Flatten"},
    {"type": "Dense", "out_features": 2},
]


def test_the_builder_shows_the_servers_shapes_and_its_message_at_the_layer_at_fault(
    page, open_view, server, screenshot
):
    checks = record_posts(page, "/api/models/check")
    view, form, builder = open_layer_builder(page, open_view)

    # Hand-counted: 28 - 3 + 1 = 26; pooled 13; 8·13·13 = 1352; 2 classes.
    shapes = builder.locator("[data-layer-shape]").all_inner_texts()
    assert shapes == ["→ 8×26×26", "→ 8×26×26", "→ 8×13×13", "→ 1352", "→ 2"], shapes
    # 8·3·3 + 8 = 80 and 1352·2 + 2 = 2706
    note = builder.locator("[data-builder-note]").inner_text()
    assert note == "Fits: 5 layers, 2,786 parameters, ending with 2 outputs.", note
    assert checks and checks[-1]["spec"]["layers"] == STARTER, checks[-1:]
    assert checks[-1]["classes"] == 2, checks[-1]

    # A pooling window larger than its input: the server's own words, beside layer 3.
    kernel = builder.get_by_label("layer 3 MaxPool2D kernel")
    kernel.fill("30")
    kernel.dispatch_event("change")
    wait_checked(page, "fault")
    spec = {"layers": [*STARTER[:2], {**STARTER[2], "kernel_size": 30}, *STARTER[3:]]}
    verdict = server.api("POST", "/api/models/check", {"spec": spec, "classes": 2})
    assert not verdict["fits"] and verdict["fault"]["layer"] == 3, verdict
    message = verdict["fault"]["message"]
    assert "30×30" in message, message
    error = builder.locator("[data-layer-row='2'] [data-layer-error]")
    assert error.is_visible()
    assert error.inner_text() == f"Layer 3 does not fit: {message}"
    assert builder.locator("[data-layer-error]:visible").count() == 1
    shapes = builder.locator("[data-layer-shape]").all_inner_texts()
    assert shapes == ["→ 8×26×26", "→ 8×26×26", "→ ?", "→ ?", "→ ?"], shapes
    screenshot("train-builder-fault")

    # Start says so in the form, and no run starts.
    view.locator("button[data-train-start]").click()
    form_error = view.locator("[data-train-error]")
    form_error.wait_for(state="visible")
    assert message in form_error.inner_text()
    assert view.locator("[data-job-state]").get_attribute("data-state") == "idle"

    # Quick changes: only the latest answer is shown (30, then 3, then back to 2).
    for value in ("3", "2"):
        kernel.fill(value)
        kernel.dispatch_event("change")
        kernel = builder.get_by_label("layer 3 MaxPool2D kernel")
    wait_checked(page)
    shapes = builder.locator("[data-layer-shape]").all_inner_texts()
    assert shapes == ["→ 8×26×26", "→ 8×26×26", "→ 8×13×13", "→ 1352", "→ 2"], shapes
    assert not builder.locator("[data-layer-error]:visible").count()
    assert checks[-1]["spec"]["layers"][2]["kernel_size"] == 2, checks[-1]
    form_error.wait_for(state="hidden")  # the form no longer says the layers do not fit
    screenshot("train-builder")

    # The run trains the spec the server checked (in_channels and in_features filled in), as
    # fast as possible (the watch pace is tested in test_view_train_watch).
    form.locator("[data-train-fast]").check()
    finished = run_to_the_end(page, view)
    status = view.locator("[data-train-progress]").inner_text()
    assert finished == "done", f"{status}; {form_error.inner_text()}"
