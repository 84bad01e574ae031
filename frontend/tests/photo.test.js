// `node --test frontend/tests`: the photo controls' pure helpers (lib/photo.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { kernelValues, photoKernelQuery, pickPhoto } from "../js/lib/photo.js";

const text = { name: "notes.txt", type: "text/plain" };
const jpeg = { name: "desk.jpg", type: "image/jpeg" };
const png = { name: "seven.png", type: "image/png" };

test("pickPhoto takes the first image among the files", () => {
  assert.equal(pickPhoto([text, jpeg, png]), jpeg);
});

test("pickPhoto falls back to the first file, for the server to refuse in words", () => {
  assert.equal(pickPhoto([text, { name: "b.pdf", type: "application/pdf" }]), text);
  assert.equal(pickPhoto([{ name: "no-type" }]).name, "no-type");
});

test("pickPhoto has nothing when nothing came (a paste of text)", () => {
  assert.equal(pickPhoto([]), null);
  assert.equal(pickPhoto(null), null);
});

test("kernelValues writes rows by ';' and values by ','", () => {
  assert.equal(kernelValues([[1, 0, -1], [2, 0, -2], [1, 0, -1]]), "1,0,-1;2,0,-2;1,0,-1");
  assert.equal(kernelValues([[0.25]]), "0.25");
  assert.equal(kernelValues([[1e-7, -3.5]]), "1e-7,-3.5");
});

test("photoKernelQuery names a kernel or writes its values, with the mode", () => {
  assert.equal(photoKernelQuery("sobel_x", "grey"), "mode=grey&kernel=sobel_x");
  const query = new URLSearchParams(photoKernelQuery([[1, -1]], "rgb"));
  assert.equal(query.get("values"), "1,-1");
  assert.equal(query.get("mode"), "rgb");
  assert.equal(query.get("kernel"), null);
});
