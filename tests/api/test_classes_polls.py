"""Polls in a class: a predict poll's answer is the model's (checked against POST .../predict),
answers are counted and revealed; a choice poll's options and answers are checked."""

from fastapi.testclient import TestClient
from tests.class_clients import join, start_class
from tests.strokes import canvas


def test_a_predict_poll_is_answered_counted_and_revealed(class_client: TestClient) -> None:
    klass = start_class(class_client)
    read = class_client.post("/api/models/lenet5-mnist/predict", json={"image": canvas("7")})
    code, network = read.json()["code"], read.json()["index"]
    state = {"tab": "draw", "model": "lenet5-mnist", "input": code}
    class_client.put(f"{klass.url}/state", json={"state": state}, headers=klass.teacher)
    poll = class_client.post(f"{klass.url}/polls", json={"kind": "predict"}, headers=klass.teacher)
    assert poll.status_code == 201, poll.text
    poll = poll.json()
    assert poll["options"] == [str(k) for k in range(10)] and poll["correct"] is None
    guesses = {"Ann": 7, "Bo": 7, "Cy": 1, "Di": 9}
    students = {name: join(class_client, klass, name)[1] for name in guesses}
    answers = f"{klass.url}/polls/{poll['id']}/answers"
    for name, guess in guesses.items():
        mine = class_client.post(answers, json={"answer": guess}, headers=students[name])
        assert mine.status_code == 200 and mine.json()["answer"] == guess
        assert mine.json()["counts"] is None  # a student sees no histogram before the reveal
    # Di changes her mind before the reveal: her answer is replaced, not added
    class_client.post(answers, json={"answer": 1}, headers=students["Di"])
    live = class_client.get(klass.url, headers=klass.teacher).json()["poll"]
    hand_count = [0] * 10
    for guess in [7, 7, 1, 1]:
        hand_count[guess] += 1
    assert live["counts"] == hand_count and live["answers"] == 4 and live["correct"] is None
    revealed = class_client.post(f"{answers[: -len('/answers')]}/reveal", headers=klass.teacher)
    assert revealed.status_code == 200
    assert revealed.json()["correct"] == network and revealed.json()["counts"] == hand_count
    seen = class_client.get(klass.url, headers=students["Ann"]).json()["poll"]
    assert (seen["correct"], seen["counts"], seen["answer"]) == (network, hand_count, 7)
    late = class_client.post(answers, json={"answer": 3}, headers=students["Ann"])
    assert late.status_code == 409 and "revealed" in late.json()["detail"]


def test_a_choice_poll_checks_its_options_and_answers(class_client: TestClient) -> None:
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Sam")
    polls, teacher = f"{klass.url}/polls", klass.teacher
    one_option = class_client.post(
        polls, json={"question": "Q?", "options": ["a"]}, headers=teacher
    )
    assert one_option.status_code == 422 and "2 to 10 options" in one_option.json()["detail"]
    eleven = class_client.post(
        polls, json={"question": "Q?", "options": ["a"] * 11}, headers=teacher
    )
    assert eleven.status_code == 422
    no_drawing = class_client.post(polls, json={"kind": "predict"}, headers=teacher)
    assert no_drawing.status_code == 409 and "no drawing" in no_drawing.json()["detail"]
    first = class_client.post(
        polls, json={"question": "Q?", "options": ["a", "b"]}, headers=teacher
    )
    out_of_range = class_client.post(
        f"{polls}/{first.json()['id']}/answers", json={"answer": 2}, headers=student
    )
    assert out_of_range.status_code == 422 and "0 to 1" in out_of_range.json()["detail"]
    class_client.post(
        polls, json={"question": "Next?", "options": ["x", "y", "z"]}, headers=teacher
    )
    stale = class_client.post(
        f"{polls}/{first.json()['id']}/answers", json={"answer": 0}, headers=student
    )
    assert stale.status_code == 409 and "current" in stale.json()["detail"]
    unknown = class_client.post(f"{polls}/p99/answers", json={"answer": 0}, headers=student)
    assert unknown.status_code == 404 and "no poll" in unknown.json()["detail"]
