// `node --test frontend/tests`: the Network overview's plan (js/lib/overview.js), each case worked
// out by hand in its comments.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  bandPoints, connectionKind, connectionPairs, curvePath, edgePoint, linkKind, MAX_LINES,
  placeDetail, planOverview, revealBy,
} from "../js/lib/overview.js";

const SPACE = { gap: 0, columnGap: 10, minSlot: 0, minTarget: 0, minCell: 2, maxCell: 7, maxLines: 2 };
const maps = (count, side) => ({ kind: "maps", count, h: side, w: side });

test("one stack per layer unless stacking side by side draws the maps far larger", () => {
  // 2 maps of 8×8 in one stack: 2·round(8u) ≤ 100 → round(8u) ≤ 50 → u = 6.3 (50.4 → 50);
  // side by side the scale could reach maxCell 7, and 6.3 ≥ 0.7·7.
  const plan = planOverview([maps(2, 8)], { ...SPACE, width: 1000, height: 100 });
  assert.equal(plan.orientation, "horizontal");
  assert.equal(plan.cell, 6.3);
  assert.deepEqual(plan.slots[0], { perLine: 1, lines: 2, mapWidth: 50, mapHeight: 50, boxWidth: 50, boxHeight: 50, width: 50, height: 100 });
});

test("stacks side by side when one stack would draw the maps far smaller", () => {
  // 4 maps of 8×8, height 100: one stack needs 4·round(8u) ≤ 100 → round(8u) ≤ 25 → u = 3.15;
  // side by side, maxCell 8 fits (64 px maps, all four in one line: two lines would be 128),
  // and 3.15 < 0.7·8.
  const plan = planOverview([maps(4, 8)], { ...SPACE, maxCell: 8, width: 1000, height: 100 });
  assert.equal(plan.cell, 8);
  assert.deepEqual([plan.slots[0].perLine, plan.slots[0].lines, plan.slots[0].mapWidth], [4, 1, 64]);
  // Only 100 px wide: u = 6.3 (round(50.4) = 50 px maps, two lines of two: 100 tall, 100 wide).
  const narrow = planOverview([maps(4, 8)], { ...SPACE, maxCell: 8, width: 100, height: 100 });
  assert.deepEqual([narrow.cell, narrow.slots[0].perLine, narrow.slots[0].lines, narrow.slots[0].mapWidth], [6.3, 2, 2, 50]);
});

test("maps are drawn to one scale and the columns fit the width", () => {
  // 12×12 and two 5×5 maps, one stack each, height 63: round(12u) ≤ 63 → u = 5.25 (63), the
  // 5×5 maps round(26.25) = 26 px. Widths 63 + 26 + a fixed 20, gaps 2·10: 129 ≤ 129.
  const columns = [maps(1, 12), maps(2, 5), { kind: "fixed", width: 20 }];
  const plan = planOverview(columns, { ...SPACE, width: 129, height: 63 });
  assert.equal(plan.orientation, "horizontal");
  assert.equal(plan.cell, 5.25);
  assert.deepEqual(plan.slots.map((slot) => slot.width), [63, 26, 20]);
  assert.equal(plan.slots[1].mapWidth, 26);
  // One pixel narrower and the scale steps down until it fits: u = 5.2 gives 62 + 26 + 20 + 20.
  assert.equal(planOverview(columns, { ...SPACE, width: 128, height: 63 }).cell, 5.2);
});

test("a column is at least minSlot wide and a map button at least minTarget", () => {
  const plan = planOverview([maps(3, 5)], { ...SPACE, minSlot: 68, minTarget: 24, width: 500, height: 500 });
  // 3 buttons of 35 px (u = 7) stacked: 3·35 = 105 ≤ 500; the column 68 wide for its header.
  assert.deepEqual([plan.cell, plan.slots[0].mapWidth, plan.slots[0].boxWidth, plan.slots[0].width], [7, 35, 35, 68]);
  const small = planOverview([maps(3, 5)], { ...SPACE, maxCell: 3, minSlot: 68, minTarget: 24, width: 500, height: 500 });
  // u = 3: 15 px maps in 24 px buttons, 3·24 = 72 tall.
  assert.deepEqual([small.slots[0].mapWidth, small.slots[0].boxWidth, small.slots[0].height], [15, 24, 72]);
});

test("top to bottom when left to right does not fit, wrapping within maxLines", () => {
  // Height 10 cannot hold an 8×8 map at u ≥ 2 (16 px): vertical. At maxCellVertical 3 a map is
  // 24 px, floor(100 / 24) = 4 side by side: one line.
  const plan = planOverview([maps(4, 8), { kind: "fixed", width: 500 }], { ...SPACE, maxCellVertical: 3, width: 100, height: 10 });
  assert.equal(plan.orientation, "vertical");
  assert.equal(plan.cell, 3);
  assert.deepEqual([plan.slots[0].perLine, plan.slots[0].lines], [4, 1]);
  assert.deepEqual(plan.slots[1], { width: 100 });
  // 44 px buttons on a phone (and a column wider than it): floor((60 + 4) / (44 + 4)) = 1 per
  // line, 3 lines > 2 at every scale: the smallest scale, wrapping as much as it takes.
  const phone = planOverview([maps(3, 5), { kind: "fixed", width: 500 }],
    { ...SPACE, gap: 4, minTarget: 44, maxCellVertical: 3, width: 60, height: 10 });
  assert.deepEqual([phone.orientation, phone.cell, phone.slots[0].perLine, phone.slots[0].lines], ["vertical", 2, 1, 3]);
});

test("the smallest scale is kept when even it needs more lines than allowed", () => {
  // 10 maps of 10×10 in 50 px: at u = 2 (20 px), floor((50 + 4) / 24) = 2 per line, 5 lines.
  const plan = planOverview([maps(10, 10), { kind: "fixed", width: 500 }], { ...SPACE, gap: 4, maxLines: 1, width: 50, height: 5 });
  assert.deepEqual([plan.orientation, plan.cell, plan.slots[0].perLine, plan.slots[0].lines], ["vertical", 2, 2, 5]);
});

test("the detail goes right of the map, else left, else below across the stage", () => {
  const size = { width: 100, height: 80 };
  assert.deepEqual(placeDetail({ left: 10, top: 20, right: 50, bottom: 60 }, size, { width: 300, height: 400 }),
    { left: 58, top: 20, side: "right" });
  assert.deepEqual(placeDetail({ left: 200, top: 20, right: 240, bottom: 60 }, size, { width: 300, height: 400 }),
    { left: 92, top: 20, side: "left" });
  assert.deepEqual(placeDetail({ left: 10, top: 20, right: 50, bottom: 60 }, size, { width: 150, height: 400 }),
    { left: 0, top: 68, side: "below" });
  // kept inside the stage's height: a map at 350 in a 400 tall stage opens at 400 − 80
  assert.equal(placeDetail({ left: 10, top: 350, right: 50, bottom: 390 }, size, { width: 300, height: 400 }).top, 320);
});

test("revealBy scrolls just enough to show a box below the sticky header", () => {
  assert.equal(revealBy({ top: 300, bottom: 500 }, 100, 800), 0);
  assert.equal(revealBy({ top: 50, bottom: 150 }, 100, 800), -58);
  assert.equal(revealBy({ top: 700, bottom: 900 }, 100, 800), 108);
  assert.equal(revealBy({ top: 700, bottom: 1600 }, 100, 800), 592); // too tall: its top shows
});

test("connections: conv all to all, pooling one to one, dense a band", () => {
  assert.equal(connectionKind("Conv2D", 6, 16), "all");
  assert.equal(connectionKind("Conv2D", 64, 64), "band"); // 4,096 lines
  assert.ok(6 * 16 <= MAX_LINES && 64 * 64 > MAX_LINES);
  assert.equal(connectionKind("MaxPool2D", 6, 6), "one");
  assert.equal(connectionKind("Dense", 400, 120), "band");
  assert.deepEqual(connectionPairs("all", 2, 3), [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2], [1, 2]]);
  assert.deepEqual(connectionPairs("one", 3, 3), [[0, 0], [1, 1], [2, 2]]);
  assert.deepEqual(connectionPairs("band", 3, 3), []);
  assert.equal(linkKind("maps", "maps", "Conv2D", 1, 6, true), "all");
  assert.equal(linkKind("maps", "flatten", "Flatten", 16, 1, true), "band");
  assert.equal(linkKind("logits", "output", null, 10, 10, true), "one");
  assert.equal(linkKind("logits", "output", null, 10, 10, false), "band");
  assert.equal(linkKind("maps", "maps", "ReLU", 6, 6, false), "one");
});

test("lines leave and arrive along the flow", () => {
  const box = { left: 10, top: 20, right: 30, bottom: 60 };
  assert.deepEqual(edgePoint(box, "out", true), [30, 40]);
  assert.deepEqual(edgePoint(box, "in", true), [10, 40]);
  assert.deepEqual(edgePoint(box, "out", false), [20, 60]);
  assert.deepEqual(edgePoint(box, "in", false), [20, 20]);
  assert.equal(curvePath([0, 0], [10, 20], true), "M0 0C5 0 5 20 10 20");
  assert.equal(curvePath([0, 0], [10, 20], false), "M0 0C0 10 10 10 10 20");
  assert.equal(bandPoints(box, { left: 50, top: 0, right: 60, bottom: 100 }, true), "30,20 50,0 50,100 30,60");
});

test("left to right, a little taller than the height, rather than top to bottom when the width allows", () => {
  // 4 maps of 8×8 at minCell 2 are 16 px, one stack of four 64 px tall: no scale fits height 40
  // in one stack, nor in two (2·16 = 32 ≤ 40 but 2 stacks are 32 wide > width 30); one stack at
  // u = 2 is 16 wide and fits the width, so it stays left to right, 64 tall.
  const plan = planOverview([maps(4, 8)], { ...SPACE, width: 30, height: 40 });
  assert.deepEqual([plan.orientation, plan.cell, plan.slots[0].perLine, plan.slots[0].height], ["horizontal", 2, 1, 64]);
  // Narrower than one 16 px map: top to bottom.
  assert.equal(planOverview([maps(4, 8)], { ...SPACE, width: 15, height: 40 }).orientation, "vertical");
});
