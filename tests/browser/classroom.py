"""The class browser tests' page helpers: a teacher starting a class, students joining, the
follow delay measured in the pages, the small waits the class tests share, and `Room`, a class
as the API sees it, for tests whose students act through the API."""

from __future__ import annotations

import json
import time

from tests.browser.pages import (
    goto_view,
    stroke,
    wait_predicted,
    wait_rendered,
)

#: The students' names: one with markup, which every screen must show as text.
NAMES = ("Ada Quillfeather", "Grace Vantorr", "Linus <i>Ozzle</i>")
#: Each student's screen: a laptop, a projector-sized monitor, a phone.
STUDENT_SIZES = ("laptop", "projector", "phone")

#: What a page's current view shows of its numbers, as one string; null while it computes.
SHOWN = """() => {
  const tab = document.querySelector("[role=tab][aria-selected=true]")?.dataset.tab;
  const view = document.querySelector(`section[data-view='${tab}']`);
  if (!view || view.hidden) return null;
  if (tab === "draw") {
    if (view.dataset.busy !== "false" || !Number(view.dataset.predictions)) return null;
    const bars = [...view.querySelectorAll("[data-prob]")].map((bar) => bar.dataset.value);
    return `draw|${view.querySelector("[data-predicted]").textContent}|${bars.join(",")}`;
  }
  if (tab === "stepper") {
    const value = view.querySelector("[data-sum-plus-bias]")?.dataset.value;
    const at = view.querySelector("[data-position]");
    if (value === undefined || !at) return null;
    const layer = view.querySelector("select[data-stepper-layer]").value;
    const filter = view.querySelector("select[data-stepper-channel]").value;
    return `stepper|${layer}|${filter}|${at.dataset.row},${at.dataset.col}|${value}`;
  }
  return `${tab}|other`;
}"""

#: Log every change of SHOWN in the page with its time (Date.now(): one clock for every page).
WATCH = f"""() => {{
  const shown = {SHOWN};
  window.__shown = [];
  let last;
  setInterval(() => {{
    const now = shown();
    if (now !== last) {{ last = now; window.__shown.push([Date.now(), now]); }}
  }}, 20);
}}"""

#: The time the page's log last turned to `target` (null when it does not show it now).
REACHED = """(target) => {
  const log = window.__shown;
  if (!log.length || log[log.length - 1][1] !== target) return null;
  let i = log.length - 1;
  while (i > 0 && log[i - 1][1] === target) i -= 1;
  return log[i][0];
}"""

#: The teacher page's numbers, once they have stayed the same for 400 ms and differ from `before`.
SETTLED = """(before) => {
  const log = window.__shown;
  const [at, value] = log[log.length - 1] || [0, null];
  return value !== null && value !== before && Date.now() - at >= 400 ? value : null;
}"""


def now_ms() -> float:
    return time.time() * 1000


def start_class(teacher, server) -> str:
    """Open the teacher's page, start a class in its Class drawer; returns the code."""
    code = open_class(teacher, server.url, "Year 9 <b>maths</b>")["code"]
    assert len(code) == 6, code
    return code


def join(student, server, code: str, name: str) -> None:
    """Open the join link, give the name, and wait until the class's stream is followed."""
    student.goto(f"{server.url}/?class={code}")
    student.wait_for_selector("[data-student-join-dialog][open]")
    student.fill("[data-student-join-name]", name)
    student.click("[data-student-join]")
    student.wait_for_selector("[data-student-link='connected']", state="attached", timeout=10_000)
    title = student.locator("[data-student-bar-title]").inner_text()
    assert title == "Following Year 9 <b>maths</b>", title


#: How long the teacher's own page took to show each change (ms), for the report.
TEACHER_TIMES: list[float] = []


def follow_delays(teacher, students, change, before: str | None) -> tuple[str, list[float]]:
    """Make `change` on the teacher's page (it returns the time the change was made, ms); wait
    until the teacher's numbers settle on a new value and every student's page shows it; returns
    that value and each student's delay (ms)."""
    made = change()
    target = teacher.wait_for_function(SETTLED, arg=before, timeout=20_000, polling=50).json_value()
    TEACHER_TIMES.append(teacher.evaluate(REACHED, target) - made)
    delays = []
    for student in students:
        student.wait_for_function(REACHED, arg=target, timeout=10_000, polling=50)
        delays.append(student.evaluate(REACHED, target) - made)
    return target, delays


def wait_true(page, expression: str, arg: object = None, timeout: float = 10_000) -> None:
    page.wait_for_function(expression, arg=arg, timeout=timeout, polling=50)


def draw(page, points) -> float:
    """Clear the pad and draw one stroke; returns when the stroke ended (ms) once the page has
    shown its prediction."""
    page.click("[data-clear]")
    view = page.locator("section[data-view='draw']")
    count = int(view.get_attribute("data-predictions") or 0)
    stroke(page, page.locator("[data-draw-canvas]"), points)
    made = now_ms()
    wait_predicted(page, count)
    return made


def clicking(page, selector: str):
    def act() -> float:
        made = now_ms()
        page.click(selector)
        return made

    return act


def open_drawer(teacher) -> None:
    if teacher.locator("[data-class-drawer]").is_hidden():
        teacher.click("[data-class-open]")


def close_drawer(teacher) -> None:
    if teacher.locator("[data-class-drawer]").is_visible():
        teacher.click("[data-class-close]")


def is_blocked(student) -> bool:
    """Whether the page refuses a click on a tab (a modal dialog covers it)."""
    try:
        student.locator("[data-tab='network']").click(trial=True, timeout=1_000)
    except Exception:  # Playwright's TimeoutError: something else receives the click
        return True
    return False


def saved_class(page) -> dict | None:
    text = page.evaluate("() => sessionStorage.getItem('cnnviz.class.teacher')")
    return json.loads(text) if text else None


def open_class(page, base_url: str, name: str = "Period 3", keys: str = "") -> dict:
    """Open the Draw view (with `keys` added to its link), start a class from the drawer; the
    class as the page keeps it."""
    goto_view(page, base_url, "draw" + keys)
    wait_rendered(page, "draw")
    page.click("[data-class-open]")
    page.fill("[data-class-name]", name)
    page.click("[data-class-start]")
    page.wait_for_selector("[data-class-code]")
    return saved_class(page)


class Room:
    """A class as the API sees it: the teacher's token and the students who joined."""

    def __init__(self, server, record: dict) -> None:
        self.server, self.code, self.token = server, record["code"], record["token"]
        self.students: list[tuple[str, str]] = []  # (id, token)

    def path(self, rest: str = "") -> str:
        return f"/api/classes/{self.code}{rest}"

    def teacher(self, method: str, rest: str = "", body=None):
        return self.server.api(method, self.path(rest), body, headers={"X-Class-Token": self.token})

    def student(self, index: int, method: str, rest: str, body=None):
        token = self.students[index][1]
        return self.server.api(method, self.path(rest), body, headers={"X-Class-Token": token})

    def join(self, name: str) -> None:
        answer = self.server.api("POST", self.path("/join"), {"name": name})
        self.students.append((answer["student_id"], answer["student_token"]))
