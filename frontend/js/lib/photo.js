// Pure helpers of the photo controls (the Draw view's upload and the Convolution view's kernels on
// a photo): which of the files a drop or a paste brings is the photo, and how a kernel is written
// in the query of POST /api/kernels/photo. No DOM here.

/**
 * The file to use from a drop's or a paste's `files` (a FileList or an array of File-like
 * `{type, name}`): the first image, else the first file of any kind (the server then says what
 * it cannot read), else null (a paste of text only).
 */
export function pickPhoto(files) {
  const list = Array.from(files || []);
  return list.find((file) => String(file.type || "").startsWith("image/")) || list[0] || null;
}

/** A kernel's rows as the route's `values` text: values by ",", rows by ";" ("1,0,-1;2,0,-2"). */
export function kernelValues(rows) {
  return rows.map((row) => row.map((value) => String(value)).join(",")).join(";");
}

/** The query of POST /api/kernels/photo: `kernel` a name, or rows of numbers; `mode` grey|rgb. */
export function photoKernelQuery(kernel, mode) {
  const query = new URLSearchParams({ mode });
  if (typeof kernel === "string") query.set("kernel", kernel);
  else query.set("values", kernelValues(kernel));
  return query.toString();
}
