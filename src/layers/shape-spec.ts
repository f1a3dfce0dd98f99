/** Layer shapes as Keras writes them (None, here null, for an unknown dimension) and how messages print them. */

/** A shape whose unknown dimensions (the batch, a free sequence length) are null. */
export type ShapeSpec = readonly (number | null)[];

/** The input shape(s) of a layer: one shape, or one per input of a layer with several. */
export type Shapes = ShapeSpec | readonly ShapeSpec[];

/** Keras's tuple notation: "(None, 3)", "(5,)". */
export function fmtSpec(shape: ShapeSpec): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
}

/** One shape, or several separated by commas, as error messages print them. */
export function fmtShapes(s: Shapes): string {
  return Array.isArray(s[0]) ? (s as ShapeSpec[]).map(fmtSpec).join(", ") : fmtSpec(s as ShapeSpec);
}

/** The shape `build` sees: the batch axis unknown, as in the symbolic case. */
export function batchless(shape: readonly number[]): ShapeSpec {
  return shape.length === 0 ? shape : [null, ...shape.slice(1)];
}
