// The teacher's gallery: drawings grouped by intended digit, newest first, misreads marked.
import assert from "node:assert/strict";
import { test } from "node:test";

import { galleryGroups } from "../js/lib/classgallery.js";

const drawings = [
  { id: "a", label: 7, predicted: 7 },
  { id: "b", label: 3, predicted: 8 },
  { id: "c", label: 7, predicted: 1 },
  { id: "d", label: 3, predicted: 3 },
  { id: "e", label: 7, predicted: 1 },
];

test("one group per intended digit, in order, newest first, misreads marked", () => {
  const groups = galleryGroups(drawings);
  assert.deepEqual(groups.map((g) => [g.label, g.total, g.shown.map((d) => d.id)]), [
    [3, 2, ["d", "b"]],
    [7, 3, ["e", "c", "a"]],
  ]);
  assert.deepEqual(groups[1].shown.map((d) => d.misread), [true, true, false]);
  assert.equal(drawings[0].misread, undefined, "the server's records are left as they are");
});

test("a matrix cell's filter keeps that cell's drawings; a group shows at most perGroup", () => {
  const cell = galleryGroups(drawings, { label: 7, predicted: 1 });
  assert.deepEqual(cell.map((g) => [g.label, g.total, g.shown.map((d) => d.id)]), [[7, 2, ["e", "c"]]]);
  assert.deepEqual(galleryGroups(drawings, { label: 5, predicted: 5 }), []);
  const capped = galleryGroups(drawings, null, 2);
  assert.deepEqual(capped.map((g) => [g.total, g.shown.map((d) => d.id)]), [[2, ["d", "b"]], [3, ["e", "c"]]]);
});
