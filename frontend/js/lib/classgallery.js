// The teacher's gallery of a class's drawings, arranged for display: one group per intended
// digit, newest first, each drawing marked when the network read another digit, and the filter a
// confusion-matrix cell sets (its intended and predicted digit). The counts and the matrix
// themselves come from the server; this only sorts what the server sent. Pure, tested with node.

/** How many drawings a group shows: a class of 200 drawing the same digit stays one screen. */
export const PER_GROUP = 24;

/**
 * `drawings` (a list of `{id, label, predicted, created?}` in arrival order) as
 * `[{label, total, shown: [{...drawing, misread}]}]`, one group per intended label in increasing
 * order, each group's newest first and at most `perGroup` of them. With `filter`
 * (`{label, predicted}`, from a matrix cell) only the drawings of that cell are kept.
 */
export function galleryGroups(drawings, filter = null, perGroup = PER_GROUP) {
  const groups = new Map();
  for (const drawing of drawings) {
    if (filter && (drawing.label !== filter.label || drawing.predicted !== filter.predicted)) continue;
    if (!groups.has(drawing.label)) groups.set(drawing.label, []);
    groups.get(drawing.label).push({ ...drawing, misread: drawing.predicted !== drawing.label });
  }
  return [...groups.keys()].sort((a, b) => a - b).map((label) => {
    const all = groups.get(label).reverse();
    return { label, total: all.length, shown: all.slice(0, perGroup) };
  });
}
