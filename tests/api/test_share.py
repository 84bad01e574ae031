"""`GET /api/qr`: a link as a QR code in SVG.

No QR decoder is installed, so the SVG is read back into its grid of modules here (a parser of
the path segno writes: moves and horizontal runs) and checked against the QR standard's fixed
parts: the size of a version (17 + 4·v modules), the three finder squares, the timing lines,
the quiet zone. That it holds the right text is left to segno's own tests.
"""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

QR = "/api/qr"
SVG = "{http://www.w3.org/2000/svg}"
BORDER = 4
#: A link as the Share dialog sends it: a LAN address, a stepper position and an input code.
LINK = (
    "http://192.168.100.200:8000/#tab=stepper&model=lenet5-mnist&conv=conv2&filter=12&at=4%2C7"
    "&input=v1." + "Az09-_" * 174 + "Az"
)


def modules(svg: bytes) -> np.ndarray:
    """The dark modules of segno's SVG as a boolean grid (quiet zone included)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    side = [float(v) for v in root.attrib["viewBox"].split()]
    assert side[:2] == [0, 0] and side[2] == side[3]
    n = int(side[2])
    grid = np.zeros((n, n), bool)
    path = next(p for p in root.iter(f"{SVG}path") if p.attrib.get("stroke") == "#000")
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.attrib["d"]):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:  # a run of dark modules along row y - 0.5
            grid[int(y - 0.5), int(x) : int(x + float(a))] = True
            x += float(a)
    return grid


def get_qr(client, text: str):
    return client.get(QR, params={"text": text})


def test_a_link_becomes_a_qr_code(client):
    response = get_qr(client, LINK)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    assert "max-age" in response.headers["cache-control"]
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.find(f"{SVG}title").text == "QR code"
    assert "width" not in root.attrib  # the page sizes it; the viewBox keeps it square
    grid = modules(response.content)
    size = grid.shape[0] - 2 * BORDER
    version = (size - 17) / 4
    assert version == int(version) and 20 <= version <= 30  # 1,150 bytes need a big version
    assert not grid[:BORDER].any() and not grid[-BORDER:].any()  # the quiet zone
    assert not grid[:, :BORDER].any() and not grid[:, -BORDER:].any()
    code = grid[BORDER:-BORDER, BORDER:-BORDER]
    finder = np.ones((7, 7), bool)
    finder[1:6, 1:6] = False
    finder[2:5, 2:5] = True
    for rows, cols in [
        (slice(0, 7), slice(0, 7)),
        (slice(0, 7), slice(-7, None)),
        (slice(-7, None), slice(0, 7)),
    ]:
        np.testing.assert_array_equal(code[rows, cols], finder)
    timing = np.arange(8, size - 8) % 2 == 0
    np.testing.assert_array_equal(code[6, 8 : size - 8], timing)
    np.testing.assert_array_equal(code[8 : size - 8, 6], timing)


def test_the_code_follows_the_text(client):
    short, other = get_qr(client, "http://127.0.0.1:8000/#tab=draw"), get_qr(client, LINK)
    again = get_qr(client, "http://127.0.0.1:8000/#tab=draw")
    assert short.content == again.content
    assert short.content != other.content
    assert modules(short.content).shape[0] < modules(other.content).shape[0]
    changed = get_qr(client, LINK[:-1] + "B")
    assert modules(changed.content).shape == modules(other.content).shape
    assert (modules(changed.content) != modules(other.content)).any()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least 1 character"),
        ("x" * 2049, "at most 2048 characters"),
        ("€" * 2000, "6,000 bytes in UTF-8"),
    ],
    ids=["empty", "too long", "too many bytes"],
)
def test_text_a_code_cannot_hold_is_422(client, text, message):
    response = get_qr(client, text)
    assert response.status_code == 422, response.text[:300]
    assert message in response.text


def test_no_text_is_422(client):
    response = client.get(QR)
    assert response.status_code == 422
    assert "text" in response.text
