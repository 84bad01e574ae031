"""The course's sandbox examples, kept in one place: each is a name, a title, a line saying what
to look at, and the `POST /api/sandbox` body that shows it. The schema shows the bodies as the
/docs examples, `GET /api/sandbox/examples` gives them to the page's example buttons (the first
is what a link without sandbox keys opens on), and the tests take their inputs from here while
keeping their own expected outputs."""

from typing import Final, TypedDict


class CourseExample(TypedDict):
    name: str
    title: str
    note: str
    request: dict


SIGNAL: Final = [[1, 3, 2, 4, 5, 6, 1, 3]]
SIGNAL_KERNEL: Final = [[1, 0, 3, 1, 2]]
MATRIX: Final = [[1, 3, 2, 4], [5, 6, 1, 3], [1, 2, 0, 2], [3, 4, 3, 2]]
MATRIX_KERNEL: Final = [[1, 0, 3], [1, 2, 1], [0, 1, 1]]
#: The 6×6 input of the max-pooling exercise.
MAX_POOL_INPUT: Final = [
    [3, 4, 2, 1, 5, 2],
    [2, 6, 1, 7, 1, 4],
    [0, 3, 1, 6, 2, 7],
    [7, 0, 7, 5, 4, 0],
    [4, 8, 0, 2, 5, 0],
    [3, 3, 5, 0, 7, 5],
]
#: The 6×6 input of the average-pooling exercise, and the upstream gradient of its backward pass.
AVG_POOL_INPUT: Final = [
    [4, 2, 2, 3, 0, 5],
    [2, 5, 3, 4, 0, 5],
    [0, 3, 3, 4, 5, 5],
    [0, 6, 1, 0, 4, 4],
    [6, 3, 7, 8, 1, 7],
    [0, 0, 7, 1, 2, 1],
]
AVG_POOL_GRAD: Final = [[7, 6, 6], [8, 5, 8], [2, 0, 5]]

EXAMPLES: Final[tuple[CourseExample, ...]] = (
    {
        "name": "conv1d",
        "title": "1-D convolution",
        "note": "x = [1 3 2 4 5 6 1 3] convolved with w = [1 0 3 1 2], padding 2, the kernel "
        "flipped: the output is as long as x.",
        "request": {
            "op": "conv",
            "input": SIGNAL,
            "kernel": SIGNAL_KERNEL,
            "padding": 2,
            "flip": True,
        },
    },
    {
        "name": "conv2d",
        "title": "2-D convolution, flipped",
        "note": "A 4×4 matrix and a 3×3 kernel, no padding: the kernel is flipped in both axes "
        "before it slides.",
        "request": {"op": "conv", "input": MATRIX, "kernel": MATRIX_KERNEL, "flip": True},
    },
    {
        "name": "maxpool",
        "title": "Max pooling 6×6",
        "note": "2×2 windows, stride 2: each window keeps its maximum; Pindex says where it was.",
        "request": {"op": "maxpool", "input": MAX_POOL_INPUT, "pool": 2},
    },
    {
        "name": "avgpool",
        "title": "Average pooling 6×6",
        "note": "2×2 windows, stride 2, and an upstream gradient shared by the four cells of "
        "each window.",
        "request": {"op": "avgpool", "input": AVG_POOL_INPUT, "pool": 2, "grad": AVG_POOL_GRAD},
    },
)
