// Padding drawn the same way everywhere: a grey cell with one diagonal stroke.

/** Draw a hatched padding cell of `size` pixels at (x, y) on canvas context `ctx`. */
export function hatch(ctx, x, y, size) {
  ctx.fillStyle = "#e4e6ea";
  ctx.fillRect(x, y, size, size);
  ctx.strokeStyle = "#9aa1ad";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, y + size);
  ctx.lineTo(x + size, y);
  ctx.stroke();
}
