// The digit every view computes from, in the forms the API takes: {image} (a drawing as a data
// URL), {pixels} (28×28 rows in [0, 1], a gallery digit) or {code} (the input code an answer
// gave, as a link carries it). Pure, tested with `node --test`.

const FORMS = ["image", "pixels", "code"];

/** Whether `a` and `b` are the same digit: the same form holding the same value (a drawing's
 * data URL or a code compared as text, pixels as the same rows). Views make a new object for
 * each request, so an answer is matched to the digit on display by what it holds. */
export function sameDigit(a, b) {
  if (!a || !b || !FORMS.some((form) => a[form] !== undefined)) return false;
  return FORMS.every((form) => a[form] === b[form]);
}
