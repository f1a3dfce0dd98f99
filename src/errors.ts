/**
 * Every error Strata raises on bad input is a StrataError: it says where (op, layer or argument),
 * what was expected and what was received.
 */
export class StrataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, matmul, concatenation, reshape …). */
export class ShapeError extends StrataError {}

/** A dtype an op does not accept, or two dtypes it cannot combine. */
export class DTypeError extends StrataError {}

/** An option or argument outside its allowed values. */
export class ValueError extends StrataError {}

/** Formats a shape the way messages show it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/**
 * Keras raises on unknown keyword arguments: an option not in `known` is an error that names it,
 * the closest valid one when it looks like a typo, and the valid ones.
 */
export function checkOptionNames(where: string, opts: object, known: readonly string[]): void {
  for (const key of Object.keys(opts)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new ValueError(
      `${where}: unknown option ${key}${near ? `; did you mean ${near}?` : ""} ` +
        `(expected one of ${known.join(", ")})`,
    );
  }
}

/** The name within edit distance ⌈len/3⌉ of `word` (case ignored), if any. */
function closest(word: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.ceil(word.length / 3) + 1;
  for (const name of names) {
    const d = editDistance(word.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(
        Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)),
      );
    }
    row = next;
  }
  return row[b.length]!;
}
