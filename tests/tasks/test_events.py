"""The event log shared by training jobs and downloads: numbers given at emission and never
changed, steps thinned evenly to a fixed number with the latest kept, filters first and latest,
every other event kept, a history that comes back from its JSON. Expected values are counted by
hand in the comments."""

import json

import pytest

from cnnviz.tasks.events import EventLog


def step(global_step: int) -> dict:
    return {"type": "step", "global_step": global_step}


def kept_steps(log: EventLog) -> list[int]:
    return [e["global_step"] for e in log.events() if e["type"] == "step"]


def test_events_are_numbered_from_1_as_they_are_emitted():
    log = EventLog(sampled="step")
    returned = [log.append({"type": kind}) for kind in ("start", "epoch", "done")]
    assert [e["seq"] for e in returned] == [1, 2, 3]
    assert log.events() == [
        {"type": "start", "seq": 1},
        {"type": "epoch", "seq": 2},
        {"type": "done", "seq": 3},
    ]
    assert [(e.seq, e.type) for e in log.since(1)] == [(2, "epoch"), (3, "done")]
    assert log.since(3) == []
    assert json.loads(log.since(0)[0].text) == {"type": "start", "seq": 1}


def test_steps_are_thinned_evenly_and_the_latest_is_always_kept():
    log = EventLog(sampled="step", max_samples=4)
    seen = []
    for n in range(1, 11):
        log.append(step(n))
        seen.append(kept_steps(log))
    # Up to 4 all stay; the 5th doubles the stride to 2 (keep 2, 4 and the latest, 5); 6 replaces
    # 5; 7 joins 2, 4, 6; 8 replaces 7; the 9th makes five, so the stride is 4 (4, 8 and 9);
    # 10 replaces 9.
    assert seen == [
        [1],
        [1, 2],
        [1, 2, 3],
        [1, 2, 3, 4],
        [2, 4, 5],
        [2, 4, 6],
        [2, 4, 6, 7],
        [2, 4, 6, 8],
        [4, 8, 9],
        [4, 8, 10],
    ]
    # The numbers stay those given at emission: step n was event n.
    assert [e["seq"] for e in log.events()] == [4, 8, 10]
    assert [e.seq for e in log.since(5)] == [8, 10]


def test_only_the_sampled_type_is_thinned_and_filters_keep_first_and_latest():
    log = EventLog(sampled="step", first_and_latest=("filters",), max_samples=2)
    log.append({"type": "start"})
    log.append({"type": "filters", "epoch": 0})
    for epoch in range(1, 5):
        for n in range(1, 4):
            log.append(step(3 * (epoch - 1) + n))
        log.append({"type": "epoch", "epoch": epoch})
        log.append({"type": "filters", "epoch": epoch})
    log.append({"type": "done"})
    kinds = [(e["type"], e.get("epoch", e.get("global_step"))) for e in log.events()]
    # 12 steps at most 2 kept: the stride ends at 8 (step 8) and the latest (step 12).
    assert kinds == [
        ("start", None),
        ("filters", 0),
        ("epoch", 1),
        ("epoch", 2),
        ("step", 8),
        ("epoch", 3),
        ("step", 12),
        ("epoch", 4),
        ("filters", 4),
        ("done", None),
    ]
    assert log.latest["filters"]["epoch"] == 4 and log.latest["step"]["global_step"] == 12
    assert log.last_type == "done"


def test_a_history_comes_back_from_its_json_and_numbering_goes_on():
    log = EventLog(sampled="step", max_samples=3)
    for n in range(1, 8):
        log.append(step(n))
    log.append({"type": "error", "message": "stopped"})
    saved = json.loads(json.dumps(log.events()))
    again = EventLog(sampled="step", max_samples=3)
    again.restore(saved)
    assert again.events() == log.events()
    assert [e.text for e in again.since(0)] == [e.text for e in log.since(0)]
    assert again.latest["error"] == {"type": "error", "message": "stopped", "seq": 8}
    assert again.append({"type": "interrupted"})["seq"] == 9


@pytest.mark.parametrize(
    "history",
    [[{"type": "step", "seq": 2}, {"type": "step", "seq": 2}], [{"type": "step", "seq": "1"}]],
)
def test_a_history_whose_numbers_do_not_increase_is_refused(history):
    with pytest.raises(ValueError, match="must increase"):
        EventLog(sampled="step").restore(history)


def test_a_non_finite_number_is_sent_as_null():
    log = EventLog()
    log.append({"type": "filters", "weights": [[float("nan"), 1.5], [float("inf"), -0.5]]})
    text = log.since(0)[0].text
    assert json.loads(text) == {"type": "filters", "weights": [[None, 1.5], [None, -0.5]], "seq": 1}
    assert "NaN" not in text and "Infinity" not in text
