import { ValueError } from "../../errors.js";
import { logicalOr } from "../../ops/elementwise.js";
import { expandDims } from "../../ops/movement.js";
import { type DType, promoteTypes } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";

export type Shapes = ShapeSpec | readonly ShapeSpec[];
export type Masks = Tensor | null | readonly (Tensor | null)[];

/** "(None, 3), (None, 4)": every input shape, for the messages of layers with several inputs. */
export function fmtSpecs(shapes: readonly ShapeSpec[]): string {
  return shapes.map(fmtSpec).join(", ");
}

/**
 * The shapes of a merge layer's inputs, checking that it was given a list of at least `min`
 * (exactly `exact`) tensors.
 */
export function shapeList(
  inputShape: Shapes,
  kind: string,
  { min = 1, exact }: { min?: number; exact?: number } = {},
): ShapeSpec[] {
  const isList = inputShape.length > 0 && Array.isArray(inputShape[0]);
  if (!isList) {
    throw new ValueError(
      `a ${kind} layer must be called on a list of inputs (layer.apply([a, b])); received one ` +
        `input of shape ${fmtSpec(inputShape as ShapeSpec)}`,
    );
  }
  const shapes = inputShape as ShapeSpec[];
  if (exact !== undefined && shapes.length !== exact) {
    throw new ValueError(
      `a ${kind} layer must be called on exactly ${exact} inputs; received ${shapes.length}: ${fmtSpecs(shapes)}`,
    );
  }
  if (shapes.length < min) {
    throw new ValueError(
      `a ${kind} layer must be called on at least ${min} inputs; received ${shapes.length}`,
    );
  }
  return shapes;
}

/**
 * NumPy broadcasting of two shapes aligned on their trailing axes, where null is unknown: null
 * against 1 stays unknown, null against k is k (the only size that can run). Null on a mismatch.
 */
export function broadcastSpecs(a: ShapeSpec, b: ShapeSpec): (number | null)[] | null {
  const rank = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (x === null || y === null) {
      const known = x ?? y;
      out.push(known === null || known === 1 ? null : known);
    } else if (x === 1 || y === 1 || x === y) {
      out.push(x === 1 ? y : x);
    } else {
      return null;
    }
  }
  return out;
}

/**
 * Keras's `Merge` base for elementwise merges (Add, Multiply, Average …): inputs of one shape,
 * or shapes that broadcast. The batch axes must agree; the other axes broadcast as in NumPy,
 * a lower-rank input getting size-1 axes after its batch axis (Keras's `expand_dims(x, 1)`).
 * Output mask: the OR of the input masks, none if any input has none (Keras `Merge.compute_mask`).
 */
export abstract class Merge extends Layer {
  /** exactly this many inputs (Subtract: 2) */
  protected readonly exactInputs: number | undefined = undefined;

  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  /** Combines inputs already expanded to one rank. */
  protected abstract mergeFunction(inputs: Tensor[]): Tensor;

  /** The merged shape, or a message-bearing error naming every input shape. */
  protected mergedShape(shapes: readonly ShapeSpec[]): ShapeSpec {
    for (const s of shapes) {
      if (s.length === 0) {
        throw new ValueError(`merge inputs need a batch axis; received shapes ${fmtSpecs(shapes)}`);
      }
    }
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d !== null));
    if (batches.size > 1) {
      throw new ValueError(
        `cannot merge tensors with different batch sizes; received shapes ${fmtSpecs(shapes)}`,
      );
    }
    let out: ShapeSpec = shapes[0]!.slice(1);
    for (const s of shapes.slice(1)) {
      const next = broadcastSpecs(out, s.slice(1));
      if (next === null) {
        throw new ValueError(
          `inputs have incompatible shapes (they must be equal or broadcast); received shapes ${fmtSpecs(shapes)}`,
        );
      }
      out = next;
    }
    const [batch = null] = batches;
    return [batch, ...out];
  }

  override build(inputShape: Shapes): void {
    this.mergedShape(shapeList(inputShape, this.constructor.name, { exact: this.exactInputs }));
  }

  call(inputs: Tensor[]): Tensor {
    if (!Array.isArray(inputs)) {
      throw new ValueError(`a ${this.constructor.name} layer must be called on a list of inputs`);
    }
    const shapes = shapeList(
      inputs.map((t) => t.shape),
      this.constructor.name,
      { exact: this.exactInputs },
    );
    this.mergedShape(shapes);
    const rank = Math.max(...inputs.map((t) => t.rank));
    const expanded = inputs.map((t) =>
      t.rank < rank
        ? expandDims(
            t,
            Array.from({ length: rank - t.rank }, (_, i) => i + 1),
          )
        : t,
    );
    return this.mergeFunction(expanded);
  }

  override computeOutputShape(inputShape: Shapes): ShapeSpec {
    return this.mergedShape(
      shapeList(inputShape, this.constructor.name, { exact: this.exactInputs }),
    );
  }

  /** The promoted dtype of the inputs, as the elementwise ops compute it. */
  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes.length > 0 ? inputDtypes.reduce(promoteTypes) : this.dtype;
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Masks): Tensor | null {
    if (!Array.isArray(mask)) return null;
    const masks = mask as readonly (Tensor | null)[];
    if (masks.length === 0 || masks.some((m) => m === null)) return null;
    return (masks as Tensor[]).reduce((a, b) => logicalOr(a, b));
  }
}
