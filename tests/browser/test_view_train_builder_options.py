"""The Train form's optimizer settings, layers with their own optimizer, the loss and keep-best:
SGD with Nesterov momentum for the network and AdaGrad for its dense layer, trained on the mean
squared error, are sent as the server names them; the run trains, and the results say which
epoch's weights were kept: the first epoch with the best validation accuracy of the run's own
epoch events, read from the server's event stream."""

import http.client
import json

from tests.browser.trainform import record_posts, run_to_the_end, type_in, wait_form_ready


def epoch_events(server, job_id: str) -> list[dict]:
    """The `epoch` events of a finished job, from its event stream (the server replays the
    history of a finished job, then ends the stream)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", f"/api/train/{job_id}/events")
        lines = connection.getresponse().read().decode().splitlines()
    finally:
        connection.close()
    events, name = [], None
    for line in lines:
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and name == "epoch":
            events.append(json.loads(line.split(":", 1)[1]))
    return events


def test_optimizer_settings_groups_loss_and_keep_best(page, open_view, server, screenshot):
    started = record_posts(page, "/api/train")
    plan = server.api("POST", "/api/train/plan", {"model": "simple", "classes": [0, 1]})
    dense = [layer["name"] for layer in plan["layers"] if layer["type"] == "Dense"]
    assert len(dense) == 1, plan["layers"]

    view = open_view("train")
    form = view.locator("[data-train-form]")
    wait_form_ready(page, "optimizer")
    form.locator("select[name='optimizer']").select_option("sgd")
    type_in(form.locator("input[data-optimizer-arg='momentum']"), "0.9")
    form.locator("input[data-optimizer-arg='nesterov']").check()
    type_in(form.locator("input[name='lr']"), "0.05")
    form.locator("select[name='loss']").select_option("mse")
    form.locator("input[name='keep_best']").check()
    type_in(form.locator("input[name='train_size']"), "300")
    type_in(form.locator("input[name='epochs']"), "3")
    form.locator("[data-train-fast]").check()
    form.locator("button[data-add-group]").click()
    group = form.locator("[data-param-group='0']")
    group.locator(f"input[data-group-layer='{dense[0]}']").check()
    assert group.locator("select[data-group-optimizer]").input_value() == "adagrad"
    form.locator("[data-train-plan][data-fits='true']").wait_for(state="attached", timeout=20_000)
    screenshot("train-options")
    assert run_to_the_end(page, view) == "done"

    sent = started[-1]
    assert sent["optimizer"] == "sgd" and sent["lr"] == 0.05, sent
    assert sent["optimizer_kwargs"] == {"momentum": 0.9, "nesterov": True}, sent
    assert sent["param_groups"] == [{"layers": dense, "optimizer": "adagrad", "lr": 0.01}], sent
    assert sent["loss"] == "mse" and sent["keep_best"] is True, sent

    job_id = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('job')")
    epochs = epoch_events(server, job_id)
    assert [e["epoch"] for e in epochs] == [1, 2, 3], epochs
    accuracies = [e["val_accuracy"] for e in epochs]
    best = accuracies.index(max(accuracies))  # the first epoch with the best accuracy
    metrics = view.locator("[data-train-metrics]")
    metrics.get_by_text("weights kept").wait_for(timeout=30_000)
    pairs = dict(
        zip(
            metrics.locator("dt").all_inner_texts(),
            metrics.locator("dd").all_inner_texts(),
            strict=True,
        )
    )
    expected = f"epoch {best + 1}, the best: {accuracies[best] * 100:.2f}% on validation"
    assert pairs["weights kept"] == expected, pairs
