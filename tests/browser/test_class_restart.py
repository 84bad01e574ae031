"""Issue 14's acceptance 3, as the pages see it: a class survives a restart of the server.

A teacher and two students (a phone and a laptop, each in a browser context of their own) on a
server of this test's own: the students send drawings, a poll is open and answered by one of
them, Follow me has taken both to the teacher's view. The server is stopped (terminate) and
started again on the same port with the same folders. Without a reload, each student's page says
it is reconnecting and then follows the class again by itself; the roster, the drawings (the
teacher's gallery), the poll with its answer and the view are as they were, and the teacher's
next moves after the restart (a view, the poll's reveal) reach every student.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest
from tests.browser.axecheck import serious_violations
from tests.browser.classroom import (
    close_drawer,
    draw,
    join,
    open_drawer,
    start_class,
    wait_true,
)
from tests.browser.conftest import SIZES
from tests.browser.pages import REPORTS, SCREENSHOTS, one_points, zero_points
from tests.browser.refusals import page_logging_errors
from tests.live_server import live_server

#: What a page may log while the server is down, and nothing else: Chromium logs each request
#: it could not connect for (the class read again, a new ticket) as ERR_CONNECTION_REFUSED, and
#: an event stream the exiting server cut mid-response as ERR_INCOMPLETE_CHUNKED_ENCODING. A
#: refusal (4xx), a script error or anything else fails the test.
OUTAGE_ERRORS = {
    "Failed to load resource: net::ERR_CONNECTION_REFUSED",
    "Failed to load resource: net::ERR_INCOMPLETE_CHUNKED_ENCODING",
}
#: How long a page may take to follow the class again once the server answers: its reconnection
#: waits 0.5 s, then doubling, at most 5 s (lib/studentmode.js reconnectDelay).
RECONNECT_S = 15
TAB_IS = "(tab) => document.querySelector(`[data-tab='${tab}']`).ariaSelected === 'true'"
LINK_IS = "(state) => document.querySelector('[data-student-link]')?.dataset.studentLink === state"
GALLERY = "(n) => document.querySelectorAll('[data-class-gallery] [data-class-drawing]').length"
COUNT = "() => document.querySelector('[data-class-count]').textContent"


@pytest.fixture
def own_server(tmp_path):
    """A server only this test stops and starts again (the session's is shared)."""
    with live_server(tmp_path) as running:
        yield running


def send_drawing(student, points, label: int) -> None:
    """Draw, send with the digit meant, wait for the class's network's reading."""
    student.wait_for_selector("[data-student-send]", state="visible", timeout=10_000)
    draw(student, points)
    student.select_option("[data-student-send-label]", str(label))
    student.click("[data-student-send]")
    student.locator("[data-student-send-status][data-predicted]").wait_for(state="attached")


def class_as_seen(teacher, students) -> dict:
    """What the pages show of the class: the teacher's roster count, gallery and histogram, and
    each student's view, poll and answer."""
    open_drawer(teacher)
    seen = {
        "count": teacher.evaluate(COUNT),
        "drawings": sorted(
            node.get_attribute("data-class-drawing")
            for node in teacher.locator("[data-class-gallery] [data-class-drawing]").all()
        ),
        "histogram": {
            node.get_attribute("data-option"): node.get_attribute("data-count")
            for node in teacher.locator("[data-class-histogram] li").all()
        },
    }
    close_drawer(teacher)
    for number, student in enumerate(students):
        seen[f"student {number}"] = student.evaluate(
            """() => ({
              tab: document.querySelector("[role=tab][aria-selected=true]").dataset.tab,
              poll: document.querySelector("[data-student-poll]").hidden ? null
                : document.querySelector("[data-student-poll]").dataset.pollId,
              question: document.querySelector("[data-student-poll-question]").textContent,
              status: document.querySelector("[data-student-poll-status]").textContent,
            })"""
        )
    return seen


#: The poll card on a phone: its share of the screen's height, and its option buttons' sizes.
PHONE_CARD = """() => ({
  share: document.querySelector("[data-student-poll]").getBoundingClientRect().height / innerHeight,
  buttons: [...document.querySelectorAll("[data-poll-option]")].map((b) => {
    const box = b.getBoundingClientRect();
    return [box.width, box.height];
  }),
})"""


def check_phone_card(phone, revealed: bool = False) -> None:
    """A poll takes a strip of a phone's screen (at most a third; open, its ten options at
    least 44 px square each; revealed, its counts), leaving the teacher's view above it; axe
    finds no serious fault. (It took up to half the screen, its counts one a row.)"""
    card = phone.evaluate(PHONE_CARD)
    assert card["share"] <= 1 / 3, card
    if not revealed:
        assert len(card["buttons"]) == 10, card
        assert all(w >= 44 and h >= 44 for w, h in card["buttons"]), card
    assert serious_violations(phone) == []


def poll_screens(phone, laptop, screenshot) -> None:
    """The students' pages with a poll open: the phone's screen as its holder sees it (the card
    must leave the teacher's view in sight) and whole, the laptop, and the laptop's page at the
    projector's size."""
    phone.screenshot(path=str(SCREENSHOTS / "class-student-poll-open-phone-screen.png"))
    screenshot("class-student-poll-open-phone", phone)
    screenshot("class-student-poll-open-laptop", laptop)
    laptop.set_viewport_size(SIZES["projector"]["viewport"])
    screenshot("class-student-poll-open-projector", laptop)
    laptop.set_viewport_size(SIZES["laptop"]["viewport"])


def test_a_class_comes_back_after_a_server_restart(browser, own_server, screenshot):
    with ExitStack() as stack:
        teacher, teacher_log = stack.enter_context(page_logging_errors(browser, "laptop"))
        phone, phone_log = stack.enter_context(page_logging_errors(browser, "phone"))
        laptop, laptop_log = stack.enter_context(page_logging_errors(browser, "laptop"))
        students = [phone, laptop]
        code = start_class(teacher, own_server)
        join(phone, own_server, code, "Ada")
        join(laptop, own_server, code, "Grace")
        open_drawer(teacher)
        teacher.wait_for_function(f"() => ({COUNT})() === '2 students have joined'")

        # The Class button starts a class of one's own: a student's page has none.
        for student in students:
            assert student.locator("[data-class-open]").is_hidden()

        # Drawings, then a predict poll on the teacher's digit, answered by the phone.
        send_drawing(phone, one_points(), 1)
        send_drawing(laptop, zero_points(), 0)
        wait_true(teacher, f"() => ({GALLERY})() === 2")
        teacher.click("[data-class-poll-predict]")
        for student in students:
            student.locator("[data-student-poll]").wait_for(state="visible", timeout=10_000)
        phone.click("[data-poll-option='3']")
        teacher.wait_for_selector("[data-class-histogram] li[data-option='3'][data-count='1']")
        check_phone_card(phone)
        poll_screens(phone, laptop, screenshot)

        # Follow me (the class's pace from the start) takes the students to the teacher's view.
        close_drawer(teacher)
        teacher.click("[data-tab='sandbox']")
        for student in students:
            wait_true(student, TAB_IS, "sandbox")
        before = class_as_seen(teacher, students)
        for page in [teacher, *students]:
            page.evaluate("() => { window.__beforeRestart = true; }")  # gone if it reloads

        stopping = time.monotonic()
        own_server.stop()
        stopped = time.monotonic()
        for student in students:
            wait_true(student, LINK_IS, "reconnecting", timeout=10_000)
        screenshot("class-student-reconnecting-phone", phone)
        starting = time.monotonic()
        own_server.start_again()
        answering = time.monotonic()
        for student in students:
            wait_true(student, LINK_IS, "connected", timeout=RECONNECT_S * 1000)
        REPORTS.append(
            f"class restart: the server took {stopped - stopping:.1f} s to stop and "
            f"{answering - starting:.1f} s to answer again; both students followed the class "
            f"again {time.monotonic() - answering:.1f} s after it answered"
        )
        wait_true(
            teacher,
            "() => document.querySelector('[data-class-status]')?.textContent === ''",
            timeout=RECONNECT_S * 1000,
        )

        for page in [teacher, *students]:
            assert page.evaluate("() => window.__beforeRestart === true"), "the page reloaded"
        after = class_as_seen(teacher, students)
        assert after == before, (before, after)
        assert before["count"] == "2 students have joined"
        assert len(before["drawings"]) == 2
        assert before["histogram"] == {str(d): "1" if d == 3 else "0" for d in range(10)}
        assert before["student 0"]["status"].startswith("Your answer: 3")
        assert before["student 1"]["poll"] == before["student 0"]["poll"] is not None

        # The teacher's next move after the restart reaches every student.
        teacher.click("[data-tab='draw']")
        for student in students:
            wait_true(student, TAB_IS, "draw", timeout=10_000)
        # and the poll from before it is revealed with the answer given before it
        open_drawer(teacher)
        teacher.click("[data-class-poll-reveal]")
        for student in students:
            student.wait_for_selector("[data-student-poll][data-revealed='true']", timeout=10_000)
            count = student.locator("[data-poll-result='3'] [data-poll-count]").inner_text()
            assert count == "1", count
        phone.screenshot(path=str(SCREENSHOTS / "class-student-poll-revealed-phone-screen.png"))
        check_phone_card(phone, revealed=True)

        for name, logged in [
            ("teacher", teacher_log),
            ("phone", phone_log),
            ("laptop", laptop_log),
        ]:
            assert set(logged) <= OUTAGE_ERRORS, (name, logged)
        assert phone_log and laptop_log  # the students did try while the server was down
