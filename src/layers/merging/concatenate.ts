import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { concatenate as concatenateOp } from "../../ops/join.js";
import { broadcastTo, expandDims } from "../../ops/movement.js";
import { any } from "../../ops/reduce.js";
import { ones } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { LayerArgs, SymbolicTensor } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { type Masks, Merge, type Shapes, fmtSpecs, shapeList } from "./base-merge.js";
import { registerKerasLayers } from "../registry.js";

export interface ConcatenateArgs extends LayerArgs {
  /** the axis to join along, counting the batch axis (default -1, the features) */
  axis?: number;
}

/** Keras `Concatenate`: joins the inputs along `axis`; every other axis must match. */
export class Concatenate extends Merge {
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `${this.where()}: axis must be an integer; received axis=${String(axis)}`,
      );
    }
    this.axis = axis;
  }

  /** The joined shape; a dimension unknown in any input stays unknown. */
  protected override mergedShape(shapes: readonly ShapeSpec[]): ShapeSpec {
    const rank = shapes[0]!.length;
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    const mismatch = (why: string) =>
      new ValueError(
        `a Concatenate layer needs inputs with matching shapes except on the concatenation axis ` +
          `(axis=${this.axis}); ${why}; received shapes ${fmtSpecs(shapes)}`,
      );
    if (shapes.some((s) => s.length !== rank)) throw mismatch("their ranks differ");
    if (a < 0 || a >= rank) throw mismatch(`axis ${this.axis} is out of range for rank ${rank}`);
    const out: (number | null)[] = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      s.forEach((d, i) => {
        if (i === a) out[a] = out[a] === null || d === null ? null : out[a]! + d;
        else if (out[i] === null) out[i] = d;
        else if (d !== null && d !== out[i]) throw mismatch(`axis ${i} differs`);
      });
    }
    return out;
  }

  override call(inputs: Tensor[]): Tensor {
    if (!Array.isArray(inputs)) {
      throw new ValueError(`a Concatenate layer must be called on a list of inputs`);
    }
    this.mergedShape(
      shapeList(
        inputs.map((t) => t.shape),
        "Concatenate",
      ),
    );
    return this.mergeFunction(inputs);
  }

  protected mergeFunction(inputs: Tensor[]): Tensor {
    return concatenateOp(inputs, this.axis);
  }

  override computeOutputShape(inputShape: Shapes): ShapeSpec {
    return this.mergedShape(shapeList(inputShape, "Concatenate"));
  }

  /**
   * Keras's rule: each input's mask is widened to the input's full shape (all true where an input
   * has none), the widened masks are joined along `axis`, and a position stays unmasked when any
   * of its features is — `any(…, axis=-1)`.
   */
  override computeMask(inputs: Tensor | Tensor[], mask: Masks): Tensor | null {
    if (!Array.isArray(mask) || !Array.isArray(inputs)) return null;
    const masks = mask as readonly (Tensor | null)[];
    if (masks.every((m) => m === null)) return null;
    const full = inputs.map((x, i) => {
      const m = masks[i] ?? null;
      if (m === null) return ones(x.shape, "bool");
      return m.rank < x.rank ? broadcastTo(expandDims(m, -1), x.shape) : m;
    });
    return any(concatenateOp(full, this.axis), -1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  static fromConfig(config: Record<string, unknown>): Concatenate {
    return new Concatenate(fromKerasConfig(config) as ConcatenateArgs);
  }
}

/** Keras `layers.concatenate([a, b], {axis})`. */
export function concatenate(
  inputs: readonly SymbolicTensor[],
  args?: ConcatenateArgs,
): SymbolicTensor;
export function concatenate(inputs: readonly TensorLike[], args?: ConcatenateArgs): Tensor;
export function concatenate(
  inputs: readonly (SymbolicTensor | TensorLike)[],
  args: ConcatenateArgs = {},
): SymbolicTensor | Tensor {
  return new Concatenate(args).apply(inputs as readonly TensorLike[]);
}

registerKerasLayers({ Concatenate });
