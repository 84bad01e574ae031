"""The teacher's class panel (issue 14): a class started from the header's Class button, its
code, join link and QR code; the roster with names as inert text; Follow me putting the page's
link state as the class state, throttled; drawings in the gallery and the confusion matrix
counted by hand from the students' own answers; a matrix cell opening its drawings; spotlight;
a predict poll whose revealed answer is the predict route's; pause; anonymize hiding every
name; a reload reconnecting by itself; End class deleting it. The students act through the API
(their pages are test_class_follow's; the drawer at each size is test_class_panel's).
"""

import itertools
import re
import time
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from tests.browser.classroom import Room, open_class, saved_class
from tests.browser.pages import goto_view, wait_rendered
from tests.strokes import canvas

CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")
#: Names that would be markup or reorder the text around them if they were not shown as text.
NAMES = ["Ada", "<img src=x onerror=alert(1)>", "\u202eBob\u202c"]


def until(check, what: str, timeout: float = 10.0):
    """`check()`'s first true answer, asked every 50 ms for at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while not (answer := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return answer


def page_text(page) -> str:
    """Everything a screen or a screen reader could show of the page: its text and every
    attribute value."""
    return page.evaluate(
        """() => document.body.innerText + "\\n" + [...document.querySelectorAll("*")]
          .flatMap((node) => [...node.attributes].map((a) => a.value)).join("\\n")"""
    )


def test_the_teacher_leads_a_class(sized_page, server, screenshot):
    page = sized_page("laptop")
    record = open_class(page, server.url)
    room = Room(server, record)

    # The code, the join link and its QR code.
    assert CODE.match(room.code), room.code
    assert page.locator("[data-class-code]").text_content() == room.code
    assert page.locator("[data-class-button-code]").text_content() == room.code
    link = page.locator("[data-class-link]").input_value()
    assert link == record["join_url"] and link.endswith(f"/?class={room.code}"), link
    until(
        lambda: page.evaluate(
            "() => { const q = document.querySelector('[data-class-qr]');"
            " return q.complete && q.naturalWidth > 0; }"
        ),
        "the QR code is drawn",
    )
    assert "no-referrer" not in link and record["token"] not in page.url

    # The roster: names exactly as typed, as text (no element made of them).
    for name in NAMES:
        room.join(name)
    page.wait_for_function(
        "() => document.querySelector('[data-class-count]').textContent"
        " === '3 students have joined'"
    )
    names = page.locator("[data-class-names] bdi").all_text_contents()
    assert names == NAMES
    assert page.locator("[data-class-names] img").count() == 0

    # Follow me: the class state is the page's link, without presentation mode.
    page.click("[data-class-pace='follow']")
    until(lambda: room.teacher("GET")["pace"] == "follow", "the pace is follow")
    page.click("[data-tab='stepper']")
    wait_rendered(page, "stepper")

    def state_is_link():
        link_keys = {k: v for k, v in parse_qsl(urlsplit(page.url).fragment) if k != "present"}
        state = {k: str(v) for k, v in room.teacher("GET")["state"].items()}
        return state == link_keys and state.get("tab") == "stepper" and "input" in state

    until(state_is_link, "the class state is the teacher's link")

    # Thirty changes 50 ms apart go out at most every 200 ms (five a second), and the last one
    # always: the times are the browser's own (resource timing), cleared first so none is lost.
    page.evaluate("() => performance.clearResourceTimings()")
    elapsed = page.evaluate(
        """async () => {
          const start = performance.now();
          for (let i = 0; i < 30; i += 1) {
            const params = new URLSearchParams(location.hash.slice(1));
            params.set("at", `${i % 20},3`);
            location.hash = params.toString();
            await new Promise((done) => setTimeout(done, 50));
          }
          return performance.now() - start;
        }"""
    )
    until(lambda: room.teacher("GET")["state"].get("at") == "9,3", "the last change is sent")
    starts = page.evaluate(
        """() => performance.getEntriesByType("resource")
          .filter((entry) => entry.name.endsWith("/state")).map((entry) => entry.startTime)"""
    )
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert 2 <= len(starts) <= elapsed / 200 + 2, (len(starts), elapsed)
    # 200 ms between the throttle's sends; a fetch starts a few ms after its send is counted
    assert min(gaps) >= 150, gaps

    # Explore: the teacher's moves stay on the teacher's screen; Follow me again sends them.
    page.click("[data-class-pace='explore']")
    until(lambda: room.teacher("GET")["pace"] == "explore", "the pace is explore")
    page.evaluate(
        """() => { const params = new URLSearchParams(location.hash.slice(1));
          params.set("at", "5,5"); location.hash = params.toString(); }"""
    )
    time.sleep(0.6)  # three throttle intervals: a send would have gone
    assert room.teacher("GET")["state"]["at"] == "9,3"
    page.click("[data-class-pace='follow']")
    until(lambda: room.teacher("GET")["state"].get("at") == "5,5", "following sends the view")

    # Drawings: the gallery and the matrix against a hand count of the students' answers.
    sent = [(0, "7", 7), (1, "1", 7), (2, "0", 0)]  # (student, digit drawn, digit meant)
    answers = {}
    for student, digit, meant in sent:
        answer = room.student(
            student, "POST", "/drawings", {"image": canvas(digit), "label": meant}
        )
        answers[answer["id"]] = (meant, answer["predicted"])
    cells = Counter(answers.values())
    for drawing_id, (meant, predicted) in answers.items():
        thumb = page.locator(f"[data-class-drawing='{drawing_id}']")
        thumb.wait_for()
        assert ("misread" in thumb.get_attribute("class")) == (meant != predicted)
        group = thumb.locator("xpath=ancestor::*[@data-class-group][1]")
        assert group.get_attribute("data-class-group") == str(meant)
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-class-cell]').length === n", arg=len(cells)
    )
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('[data-class-cell]')]"
        ".reduce((s, b) => s + Number(b.textContent), 0) === n",
        arg=len(sent),
    )
    for (meant, predicted), count in cells.items():
        assert page.locator(f"[data-class-cell='{meant},{predicted}']").text_content() == str(count)
    right = sum(count for (meant, predicted), count in cells.items() if meant == predicted)
    accuracy = page.locator("[data-class-accuracy]").text_content()
    assert f"{round(100 * right / len(sent))}% read as meant" in accuracy, accuracy

    # A cell opens its drawings; Show all brings the rest back.
    meant, predicted = answers[next(iter(answers))]
    page.click(f"[data-class-cell='{meant},{predicted}']")
    wanted = sorted(i for i, cell in answers.items() if cell == (meant, predicted))
    shown = page.locator("[data-class-gallery] [data-class-drawing]")
    assert sorted(b.get_attribute("data-class-drawing") for b in shown.all()) == wanted
    page.click("[data-class-show-all]")
    page.wait_for_function(
        "(n) => document.querySelectorAll("
        "'[data-class-gallery] [data-class-drawing]').length === n",
        arg=len(sent),
    )

    # Spotlight: a click puts the drawing on every screen; a second click takes it off.
    first = next(iter(answers))
    page.click(f"[data-class-drawing='{first}']")
    until(lambda: (room.student(0, "GET", "") or {}).get("spotlight"), "a spotlight")
    assert room.student(0, "GET", "")["spotlight"]["id"] == first
    page.wait_for_selector(f"[data-class-drawing='{first}'][aria-pressed='true']")
    page.click(f"[data-class-drawing='{first}']")
    until(lambda: room.student(0, "GET", "")["spotlight"] is None, "the spotlight is cleared")

    # A predict poll: the histogram counts the students' answers; Reveal marks what the predict
    # route says for the class state's digit.
    page.click("[data-class-poll-predict]")
    page.wait_for_selector("[data-class-histogram] li")
    poll = room.teacher("GET")["poll"]
    state = room.teacher("GET")["state"]
    model = room.teacher("GET")["model_id"]
    expected = server.api("POST", f"/api/models/{model}/predict", {"code": state["input"]})["index"]
    other = (expected + 1) % 10
    chosen = [expected, expected, other]
    for student, choice in enumerate(chosen):
        room.student(student, "POST", f"/polls/{poll['id']}/answers", {"answer": choice})
    for option, count in Counter(chosen).items():
        page.wait_for_selector(
            f"[data-class-histogram] li[data-option='{option}'][data-count='{count}']"
        )
    page.click("[data-class-poll-reveal]")
    page.wait_for_selector("[data-class-histogram] li.correct")
    assert page.locator("[data-class-histogram] li.correct").get_attribute("data-option") == str(
        expected
    )
    assert room.student(1, "GET", "")["poll"]["revealed"] is True

    # A question of the teacher's own: its options one a line, the histogram from the answers.
    page.fill("[data-class-poll-question]", "Is a 1 a thin 7?")
    page.fill("[data-class-poll-options]", "yes\n\n no \n")
    page.click("[data-class-poll-ask]")
    page.wait_for_function(
        "() => document.querySelector('[data-class-poll-text]').textContent === 'Is a 1 a thin 7?'"
    )
    poll = room.teacher("GET")["poll"]
    assert (poll["kind"], poll["options"]) == ("choice", ["yes", "no"])
    room.student(2, "POST", f"/polls/{poll['id']}/answers", {"answer": 1})
    page.wait_for_selector("[data-class-histogram] li[data-option='no'][data-count='1']")
    assert (
        page.locator("[data-class-histogram] li[data-option='yes']").get_attribute("data-count")
        == "0"
    )

    # The class model, chosen from the picker's list.
    page.select_option("[data-class-model]", "simple-mnist")
    until(lambda: room.teacher("GET")["model_id"] == "simple-mnist", "the class model changes")

    # Pause with a message, then resume.
    page.fill("[data-class-pause-message]", "Eyes up here")
    page.click("[data-class-pause]")
    until(lambda: room.student(0, "GET", "")["paused"], "the class is paused")
    assert room.student(0, "GET", "")["pause_message"] == "Eyes up here"
    page.wait_for_selector("[data-class-pause][aria-pressed='true']")
    page.click("[data-class-pause]")
    until(lambda: not room.student(0, "GET", "")["paused"], "the class is resumed")

    # Anonymize: no name anywhere on the teacher's screen, in text or attribute.
    page.check("[data-class-anonymize]")
    until(lambda: room.teacher("GET")["anonymize"], "the class is anonymized")
    page.wait_for_function("() => !document.querySelector('[data-class-names] bdi')")
    text = page_text(page)
    for mark in ("Ada", "onerror", "Bob"):
        assert mark not in text, mark
    screenshot("class-teacher-lead-anonymized", page)

    # A reload reconnects by itself: a new drawing arrives without a click.
    page.reload()
    page.wait_for_selector("html[data-ready='true']", state="attached")
    page.wait_for_function(
        "(code) => document.querySelector('[data-class-button-code]').textContent === code",
        arg=room.code,
    )
    time.sleep(1.0)  # one drawing a second per student
    late = room.student(0, "POST", "/drawings", {"image": canvas("4"), "label": 4})
    page.click("[data-class-open]")
    page.wait_for_selector(f"[data-class-drawing='{late['id']}']")
    assert saved_class(page)["seq"] > 0

    # End class: the server forgets it, the page offers a new one.
    page.click("[data-class-end]")
    page.click("[data-class-end-confirm]")
    page.wait_for_selector("[data-class-start]")
    status, _ = server.request("GET", room.path(), headers={"X-Class-Token": room.token})
    assert status == 404
    assert saved_class(page) is None
    assert page.locator("[data-class-button-code]").text_content() == ""


def test_a_predict_poll_on_the_example_digit(sized_page, server):
    """A predict poll right after starting a class from a view that does not compute from the
    digit (the Sandbox), nothing drawn: the class state still names the digit every view would
    show, the example (`input`), so the poll is created; its revealed answer is the predict
    route's for that digit. The Draw view, opened after, shows the same digit: its own link
    input is the state's, and it reads it as the reveal said."""
    page = sized_page("laptop")
    goto_view(page, server.url, "sandbox")
    page.click("[data-class-open]")
    page.fill("[data-class-name]", "Period 4")
    page.click("[data-class-start]")
    page.wait_for_selector("[data-class-code]")
    room = Room(server, saved_class(page))
    room.join("Ada")
    page.click("[data-class-poll-predict]")
    page.wait_for_selector("[data-class-histogram] li")
    assert page.locator(".class-polls .error:not([hidden])").count() == 0
    class_now = room.teacher("GET")
    poll, state = class_now["poll"], class_now["state"]
    assert (poll["kind"], state["tab"]) == ("predict", "sandbox")
    expected = server.api(
        "POST", f"/api/models/{class_now['model_id']}/predict", {"code": state["input"]}
    )["index"]
    room.student(0, "POST", f"/polls/{poll['id']}/answers", {"answer": expected})
    page.click("[data-class-poll-reveal]")
    page.wait_for_selector("[data-class-histogram] li.correct")
    right = page.locator("[data-class-histogram] li.correct").get_attribute("data-option")
    assert right == str(expected), (right, expected)

    page.click("[data-class-close]")
    page.click("[data-tab='draw']")
    wait_rendered(page, "draw")
    link = dict(parse_qsl(urlsplit(page.url).fragment))
    assert link["input"] == state["input"]
    shown = page.locator("section[data-view='draw'] [data-predicted]").inner_text().strip()
    assert shown == right, (shown, right)
    room.teacher("DELETE")
