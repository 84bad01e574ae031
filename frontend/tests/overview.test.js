// `node --test frontend/tests`: the Network overview's plan (js/lib/overview.js), each case worked
// out by hand in its comments.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  bandPoints, connectionKind, connectionPairs, curvePath, edgePoint, linkKind, MAX_LINES,
  placeDetail, planOverview, planRows, revealBy, rowsHeight,
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

test("top to bottom when left to right does not fit", () => {
  // Height 10 cannot hold an 8×8 map at u ≥ 2 (16 px), and width 100 cannot hold the fixed
  // 500 px column: one row per column, planned by planRows.
  const rows = { labelWidth: 20, width: 100, height: 1000, minRow: 10, rowGap: 0, maxCell: 3, minCell: 1.5, maxLines: 2 };
  const plan = planOverview([maps(4, 8), { kind: "fixed", role: "vector", width: 500 }], { ...SPACE, width: 100, height: 10, rows });
  // u = 3: 24 px maps, floor((80 + 0) / 24) = 3 per line → 2 lines, balanced to 2 and 2
  assert.deepEqual([plan.orientation, plan.cell], ["vertical", 3]);
  assert.deepEqual([plan.slots[0].perLine, plan.slots[0].lines, plan.slots[0].height], [2, 2, 48]);
  assert.deepEqual(plan.slots[1], { width: 80, height: 10 });
});

// A phone's rows: 368 px wide, a 74 px label column (294 px for the maps), 4 px between maps,
// rows at least 44 px tall (a finger's target) and 8 px apart, a dense layer a 16 px band.
const PHONE = {
  gap: 4, width: 368, labelWidth: 74, minRow: 44, rowGap: 8, maxCell: 3, minCell: 1.5, maxLines: 2,
  minTarget: 44, rowTargets: true, heights: { vector: 16 },
};
const PHONE_COLUMNS = [
  { kind: "maps", role: "maps", count: 6, h: 28, w: 28 },
  { kind: "maps", role: "maps", count: 16, h: 10, w: 10 },
  { kind: "fixed", role: "vector", width: 40 },
];

test("rows: the largest scale whose rows all fit the height", () => {
  // u = 3: six 84 px maps, floor(298 / 88) = 3 a line, 2 lines: 84·2 + 4 = 172 tall; sixteen
  // 30 px maps (under 44: the row is the target, boxes as small as the maps), floor(298 / 34)
  // = 8 a line, 2 lines: 64; the band 16; gaps 2·8. 172 + 64 + 16 + 16 = 268.
  const fits = planRows(PHONE_COLUMNS, { ...PHONE, height: 268 });
  assert.equal(fits.cell, 3);
  assert.deepEqual(fits.slots.map((slot) => slot.height), [172, 64, 16]);
  assert.equal(rowsHeight(fits.slots, 8), 268);
  // One pixel less: u = 2.95 (round(82.6) = 83 px maps: 170; round(29.5) = 30: 64) → 266.
  assert.equal(planRows(PHONE_COLUMNS, { ...PHONE, height: 267 }).cell, 2.95);
});

test("rows on a touch screen: maps under 44 px make their row the target", () => {
  // Height 121: u = 1.65 puts 46 px maps 5 a line (floor(298 / 50)), 2 lines, 172 in all; u =
  // 1.6 draws them 45 px (28·1.6 = 44.8), 6 in one line: 45 + 44 (16 px maps in 2 lines of 8,
  // 36, raised to 44) + 16 + 2·8 = 121.
  const plan = planRows(PHONE_COLUMNS, { ...PHONE, height: 121 });
  assert.equal(plan.cell, 1.6);
  const [big, small] = plan.slots;
  assert.deepEqual([big.perLine, big.lines, big.mapWidth, big.boxWidth, big.height, big.rowTarget], [6, 1, 45, 45, 45, false]);
  assert.deepEqual([small.perLine, small.lines, small.mapWidth, small.boxWidth, small.height, small.rowTarget], [8, 2, 16, 16, 44, true]);
  // With a mouse, the same maps are buttons of at least minTarget (here 20): 20 px boxes,
  // floor(298 / 24) = 12 a line → 2 lines of 8, 44 tall.
  const mouse = planRows(PHONE_COLUMNS, { ...PHONE, minTarget: 20, rowTargets: false, height: 121 });
  assert.deepEqual([mouse.cell, mouse.slots[1].boxWidth, mouse.slots[1].rowTarget], [1.6, 20, false]);
  // The input, one image, keeps its own button: at u = 1.5 its 42 px map sits in a 44 px box.
  const input = planRows([{ kind: "maps", role: "input", count: 2, h: 28, w: 28 }], { ...PHONE, height: 10 });
  assert.deepEqual([input.cell, input.slots[0].mapWidth, input.slots[0].boxWidth, input.slots[0].rowTarget], [1.5, 42, 44, false]);
});

test("rows: too low for every scale, the smallest; too narrow even for it, as narrow as it takes", () => {
  // Height 10 fits no scale: u = 1.5. 42 px maps, under 44, so that row too is the target,
  // 6 a line and raised to 44 tall; 15 px maps in 2 lines (34), raised to 44.
  const low = planRows(PHONE_COLUMNS, { ...PHONE, height: 10 });
  assert.deepEqual([low.cell, low.slots[0].perLine, low.slots[0].rowTarget, low.slots[0].height, low.slots[1].height], [1.5, 6, true, 44, 44]);
  // 30 px for the maps: a 28-cell map at 1.5 (42 px) does not fit, so u = 30 / 28 = 1.071,
  // one 30 px map a line, six lines.
  const narrow = planRows(PHONE_COLUMNS, { ...PHONE, width: 104, minTarget: 0, height: 10 });
  assert.deepEqual([narrow.cell, narrow.slots[0].mapWidth, narrow.slots[0].perLine, narrow.slots[0].lines], [1.071, 30, 1, 6]);
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
