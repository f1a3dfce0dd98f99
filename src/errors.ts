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
