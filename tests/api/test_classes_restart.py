"""A class survives a restart (issue 14, acceptance 3): a new app on the same folder has the
roster, drawings, polls, answers, state and settings, and everyone's token still works."""

from fastapi.testclient import TestClient
from tests.class_clients import FakeClock, class_app, join, start_class
from tests.sse_client import iter_sse
from tests.strokes import canvas

from cnnviz.settings import Settings


def test_a_restart_mid_class_keeps_everything(settings: Settings) -> None:
    clock = FakeClock()
    with TestClient(class_app(settings, clock)) as client:
        klass = start_class(client, "Before the restart")
        students = dict(join(client, klass, name) for name in ("Ann", "<i>Bo</i>"))
        (ann, ann_header), (bo, bo_header) = students.items()
        state = {"tab": "pool", "model": "simple-mnist", "at": "3,4"}
        client.put(f"{klass.url}/state", json={"state": state}, headers=klass.teacher)
        for header, digit in ((ann_header, "7"), (bo_header, "1")):
            sent = client.post(
                f"{klass.url}/drawings", json={"image": canvas(digit), "label": 7}, headers=header
            )
            assert sent.status_code == 201
        poll = client.post(
            f"{klass.url}/polls",
            json={"question": "Q?", "options": ["a", "b", "c"]},
            headers=klass.teacher,
        ).json()
        client.post(
            f"{klass.url}/polls/{poll['id']}/answers", json={"answer": 2}, headers=ann_header
        )
        client.put(
            f"{klass.url}/settings",
            json={"pace": "explore", "paused": True, "pause_message": "Break"},
            headers=klass.teacher,
        )
        client.post(f"{klass.url}/spotlight", json={"drawing_id": "d2"}, headers=klass.teacher)
        before = {
            path: client.get(klass.url + path, headers=klass.teacher).json()
            for path in ("", "/drawings", "/summary")
        }
        stream = iter_sse(client, f"{klass.url}/events", headers=ann_header, timeout=10)
        last_seen = next(stream)
        stream.close()

    clock.advance(30.0)
    with TestClient(class_app(settings, clock)) as client:
        after = {
            path: client.get(klass.url + path, headers=klass.teacher).json()
            for path in ("", "/drawings", "/summary")
        }
        assert after == before
        view = after[""]
        assert view["roster"] == [{"id": ann, "name": "Ann"}, {"id": bo, "name": "<i>Bo</i>"}]
        assert (view["state"], view["pace"], view["pause_message"]) == (state, "explore", "Break")
        assert view["poll"]["counts"] == [0, 0, 1] and view["spotlight"]["id"] == "d2"
        assert after["/summary"]["drawings"] == 2
        mine = client.get(klass.url, headers=ann_header).json()
        assert (mine["student_id"], mine["poll"]["answer"]) == (ann, 2)
        # students go on: Bo answers, a third drawing takes the next id
        answered = client.post(
            f"{klass.url}/polls/{poll['id']}/answers", json={"answer": 0}, headers=bo_header
        )
        assert answered.status_code == 200
        third = client.post(
            f"{klass.url}/drawings", json={"image": canvas("4"), "label": 4}, headers=bo_header
        )
        assert third.json()["id"] == "d3"
        # a page that reconnects with its Last-Event-ID from before gets the new events
        resumed = iter_sse(
            client,
            f"{klass.url}/events",
            headers={**ann_header, "Last-Event-ID": last_seen.id},
            timeout=10,
        )
        client.put(f"{klass.url}/state", json={"state": {"tab": "draw"}}, headers=klass.teacher)
        event = next(resumed)
        assert (event.name, event.data["state"]) == ("state", {"tab": "draw"})
        assert int(event.id) > int(last_seen.id)
        assert client.delete(klass.url, headers=klass.teacher).status_code == 204
        assert [e.name for e in resumed] == ["ended"]
    with TestClient(class_app(settings, clock)) as client:
        assert client.get(klass.url, headers=klass.teacher).status_code == 404
    assert list(settings.classes_path.iterdir()) == []
