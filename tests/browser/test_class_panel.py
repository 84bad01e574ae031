"""The teacher's class drawer at each size (issue 14): with drawings and a poll it fits the
projector, the laptop and the phone (and presentation mode) beside the view, with text of 12 px
or more, a finger's 44 px on a phone and no serious axe-core fault; screenshots of every screen
of the drawer as it scrolls."""

import pytest
from tests.browser.axecheck import serious_violations
from tests.browser.classroom import Room, open_class
from tests.browser.pages import SCREENSHOTS
from tests.strokes import canvas

#: What is wrong with the drawer's layout: sideways scrolling, text under 12 px, and on a phone
#: (`phone` true) a control under 44×44 px.
LAYOUT_FAULTS = """(phone) => {
  const drawer = document.querySelector("[data-class-drawer]");
  const out = [];
  if (drawer.scrollWidth > drawer.clientWidth + 1) out.push("the drawer scrolls sideways");
  if (drawer.getBoundingClientRect().right > innerWidth + 1) out.push("the drawer is off screen");
  const header = document.querySelector("header.top").getBoundingClientRect();
  const top = drawer.getBoundingClientRect().top;
  if (!phone && Math.abs(top - header.bottom) > 2) out.push(`top ${top}, header ${header.bottom}`);
  const code = drawer.querySelector("[data-class-code]");
  if (code.scrollWidth > code.clientWidth + 1) out.push("the class code is cut");
  const what = (node) => `${node.tagName} "${node.textContent.slice(0, 20)}"`;
  const controls = "button, select, textarea, input:not([type=checkbox]):not([type=radio])";
  for (const node of drawer.querySelectorAll("*")) {
    if (!node.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(node).fontSize);
    const text = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (text && size < 12) out.push(`${what(node)}: ${size} px`);
    const box = node.getBoundingClientRect();
    if (phone && node.matches(controls) && (box.height < 44 || box.width < 44)) {
      out.push(`${what(node)}: ${box.width}×${box.height}`);
    }
  }
  return out;
}"""


def drawer_screens(page, name: str) -> None:
    """Photograph the drawer screen by screen as it scrolls (`<name>-drawer-<n>.png`): a page
    photograph shows only its first screen, as it is fixed to the window."""
    height, screen = page.evaluate(
        "() => { const d = document.querySelector('[data-class-drawer]');"
        " return [d.scrollHeight, d.clientHeight]; }"
    )
    for number, top in enumerate(range(0, height, screen), start=1):
        page.evaluate(
            "(y) => { document.querySelector('[data-class-drawer]').scrollTop = y; }", top
        )
        page.screenshot(path=str(SCREENSHOTS / f"{name}-drawer-{number}.png"))


@pytest.mark.parametrize(
    ("size", "keys"),
    [("projector", ""), ("laptop", ""), ("phone", ""), ("projector", "&present=1")],
    ids=["projector", "laptop", "phone", "present"],
)
def test_the_panel_at_each_size(sized_page, server, screenshot, size, keys):
    """A class with drawings and a poll: the drawer fits the screen (nothing wider than it, no
    text under 12 px, a finger's 44 px on a phone, the code whole) under the header, beside the
    view it leaves usable, also in presentation mode; axe-core finds no serious fault with it
    open."""
    page = sized_page(size)
    # A drawn 7 in the link: a predict poll asks about the class state's drawing.
    seven = server.api("POST", "/api/models/lenet5-mnist/predict", {"image": canvas("7")})["code"]
    room = Room(server, open_class(page, server.url, "Year 10 science", f"&input={seven}{keys}"))
    for index, name in enumerate(["Ada", "Grace", "Alan", "Edsger"]):
        room.join(name)
        room.student(index, "POST", "/drawings", {"image": canvas("7104"[index]), "label": 7})
    page.click("[data-class-pace='follow']")
    page.click("[data-class-poll-predict]")
    page.wait_for_selector("[data-class-histogram] li")
    room.student(0, "POST", f"/polls/{room.teacher('GET')['poll']['id']}/answers", {"answer": 7})
    page.wait_for_selector("[data-class-histogram] li[data-count='1']")
    page.wait_for_function("() => document.querySelectorAll('[data-class-drawing]').length === 4")
    page.wait_for_selector("[data-class-cell]")
    faults = page.evaluate(LAYOUT_FAULTS, size == "phone")
    assert faults == [], faults
    assert serious_violations(page) == []
    name = f"class-teacher-{size}{'-present' if keys else ''}"
    screenshot(name, page)
    drawer_screens(page, name)
    room.teacher("DELETE")
