// `node --test frontend/tests`: the pure helpers in js/lib, checked against hand-worked values.
import assert from "node:assert/strict";
import { test } from "node:test";

import { argmax, decodeArray, extent, fromRows, plane, toRows } from "../js/lib/arrays.js";
import { diverging, inkOn, scaleFor, sequential } from "../js/lib/colour.js";
import { densify } from "../js/lib/example.js";
import { compact, fixed, percent, shapeText } from "../js/lib/format.js";
import { formatCell, formatHash, parseCell, parseHash } from "../js/lib/url.js";

const b64 = (typed) => Buffer.from(typed.buffer).toString("base64");

test("decodeArray reads little-endian float32 and int32 with their shape", () => {
  const values = new Float32Array([0.5, -1.25, 3, 1e-8, 7, 8]);
  const decoded = decodeArray({ shape: [1, 2, 3], dtype: "float32", data: b64(values) });
  assert.deepEqual(decoded.shape, [1, 2, 3]);
  assert.deepEqual([...decoded.data], [...values]);
  const ints = decodeArray({ shape: [2], dtype: "int32", data: b64(new Int32Array([176, -3])) });
  assert.ok(ints.data instanceof Int32Array);
  assert.deepEqual([...ints.data], [176, -3]);
  assert.throws(() => decodeArray({ shape: [3], dtype: "float32", data: b64(values) }), /needs 12 bytes/);
});

test("plane slices one channel of an NCHW array", () => {
  const data = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
  const second = plane({ shape: [1, 2, 2, 3], data }, 1);
  assert.equal(second.height, 2);
  assert.equal(second.width, 3);
  assert.deepEqual([...second.data], [6, 7, 8, 9, 10, 11]);
  assert.deepEqual([...fromRows([[1, 2], [3, 4]]).data], [1, 2, 3, 4]);
  assert.deepEqual(toRows(second), [[6, 7, 8], [9, 10, 11]]);
});

test("extent ignores non-finite values; argmax takes the first maximum", () => {
  assert.deepEqual(extent([3, NaN, -2, Infinity, 5]), [-2, 5]);
  assert.deepEqual(extent([]), [0, 0]);
  assert.equal(argmax([0.1, 0.7, 0.7, 0.2]), 1);
});

test("colour scales: viridis ends, a white centre, symmetric signed scales", () => {
  assert.deepEqual(sequential(0), [68, 1, 84]);
  assert.deepEqual(sequential(1), [253, 231, 37]);
  assert.deepEqual(diverging(0), [247, 247, 247]);
  const scale = scaleFor([-0.5, 2]);
  assert.equal(scale.kind, "diverging");
  assert.deepEqual([scale.min, scale.max], [-2, 2]);
  assert.deepEqual(scale.colour(0), [247, 247, 247]);
  const positive = scaleFor([0.2, 4]);
  assert.equal(positive.kind, "sequential");
  assert.deepEqual([positive.min, positive.max], [0, 4]);
  assert.equal(inkOn([253, 231, 37]), "#000");
  assert.equal(inkOn([68, 1, 84]), "#fff");
});

test("inkOn: the ink always reaches WCAG's 4.5:1 on any colour of either scale", () => {
  // Hand-worked: grey 128 has luminance 0.2159, so black gives 0.2659 / 0.05 = 5.32:1 and
  // white 1.05 / 0.2659 = 3.95:1: black. (A 0.35 luminance threshold chose white.)
  assert.equal(inkOn([128, 128, 128]), "#000");
  assert.equal(inkOn([100, 100, 100]), "#fff"); // 0.1274: black 3.55:1, white 5.92:1
  // The WCAG 2 contrast of an ink on a background, written from the definition.
  const channel = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const ink = (text) => (text === "#000" ? [0, 0, 0] : [255, 255, 255]);
  for (let i = 0; i <= 200; i += 1) {
    for (const rgb of [sequential(i / 200), diverging(i / 100 - 1), [i, i, i]]) {
      assert.ok(contrast(ink(inkOn(rgb)), rgb) >= 4.5, `${rgb} with ${inkOn(rgb)}`);
    }
  }
});

test("numbers are formatted alike everywhere", () => {
  assert.equal(fixed(-0.0001, 3), "0.000");
  assert.equal(fixed(-1.23456, 2), "\u22121.23");
  assert.equal(compact(12345), "12.3k");
  assert.equal(compact(0.012345), "0.0123");
  assert.equal(percent(0.98843), "98.84%");
  assert.equal(shapeText([1, 6, 28, 28]), "6×28×28");
});

test("URL hash round trip keeps numbers as numbers and drops empty keys", () => {
  const hash = formatHash({ tab: "stepper", layer: "conv1", row: 3, col: 0, job: null }, ["tab", "layer", "row", "col", "job"]);
  assert.equal(hash, "#tab=stepper&layer=conv1&row=3&col=0");
  assert.deepEqual(parseHash(hash), { tab: "stepper", layer: "conv1", row: 3, col: 0 });
  assert.deepEqual(parseHash(""), {});
});

test("densify spaces points along each segment", () => {
  const points = densify([[0, 0], [0, 30]], 10);
  assert.deepEqual(points, [[0, 0], [0, 10], [0, 20], [0, 30]]);
});

test("API error details read as one line", async () => {
  const { detailText } = await import("../js/api.js");
  assert.equal(detailText("no model 'x'"), "no model 'x'");
  assert.equal(detailText([{ loc: ["body", "pixels", 3], msg: "too short" }]), "pixels.3: too short");
  assert.equal(detailText({ message: "the configuration cannot run: epochs", problems: ["epochs"] }), "the configuration cannot run: epochs");
});

test("a cell in a link reads back, and anything else is null", () => {
  assert.deepEqual(parseCell(formatCell({ row: 4, col: 12 })), { row: 4, col: 12 });
  assert.deepEqual(parseHash(`#window=${formatCell({ row: 0, col: 3 })}`), { window: "0,3" });
  for (const bad of [undefined, null, "", "4", "4,", ",4", "-1,2", "1.5,2", "a,b", "1,2,3", 7]) {
    assert.equal(parseCell(bad), null, String(bad));
  }
});
