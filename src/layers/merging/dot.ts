import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { maximum, multiply, rsqrt, square } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { reshape, transpose } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { LayerArgs, SymbolicTensor } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { type Masks, Merge, type Shapes, fmtSpecs, shapeList } from "./base-merge.js";
import { registerKerasLayers } from "../registry.js";

export interface DotArgs extends LayerArgs {
  /** L2-normalize both inputs along their dot axes first: the output is a cosine similarity. */
  normalize?: boolean;
}

/** Keras's `normalize(x, axis)`: x / sqrt(max(Σx², ε)) with Keras's epsilon 1e-7. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return multiply(x, rsqrt(maximum(sum(square(x), axis, true), 1e-7)));
}

/**
 * Keras's `batch_dot`: for each sample, sums x·y over axis a of x and axis b of y. The result
 * keeps x's other axes, then y's other non-batch axes; a rank-1 result gets a trailing 1.
 * Done as one batched matmul: x → [batch, (rest of x), k], y → [batch, k, (rest of y)].
 */
function batchDot(x: Tensor, y: Tensor, a: number, b: number): Tensor {
  const xRest = x.shape.filter((_, i) => i !== 0 && i !== a);
  const yRest = y.shape.filter((_, i) => i !== 0 && i !== b);
  const others = (rank: number, skip: number) =>
    Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 0 && i !== skip);
  const xPerm = [0, ...others(x.rank, a), a];
  const yPerm = [0, b, ...others(y.rank, b)];
  const batch = x.shape[0]!;
  const k = x.shape[a]!;
  const prod = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const x3 = reshape(transpose(x, xPerm), [batch, prod(xRest), k]);
  const y3 = reshape(transpose(y, yPerm), [batch, k, prod(yRest)]);
  const outShape = [batch, ...xRest, ...yRest];
  return reshape(matmul(x3, y3), outShape.length === 1 ? [batch, 1] : outShape);
}

/** Keras `Dot`: the per-sample dot product of two inputs along the given axes. */
export class Dot extends Merge {
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(axes: number | readonly [number, number], args: DotArgs = {}) {
    super(args);
    const valid =
      Number.isInteger(axes) ||
      (Array.isArray(axes) && axes.length === 2 && axes.every((d) => Number.isInteger(d)));
    if (!valid) {
      throw new ValueError(
        `${this.where()}: axes must be an integer or a list of two integers; received axes=${JSON.stringify(axes)}`,
      );
    }
    this.axes = typeof axes === "number" ? axes : [axes[0], axes[1]];
    this.normalize = args.normalize ?? false;
  }

  /** The two dot axes, made non-negative for these ranks (the batch axis 0 is not allowed). */
  private dotAxes(shapes: readonly ShapeSpec[]): [number, number] {
    const pair = typeof this.axes === "number" ? [this.axes, this.axes] : this.axes;
    const [a, b] = pair.map((d, i) => (d < 0 ? d + shapes[i]!.length : d)) as [number, number];
    shapes.forEach((s, i) => {
      const d = i === 0 ? a : b;
      if (s.length < 2 || d < 1 || d >= s.length) {
        throw new ValueError(
          `axes=${JSON.stringify(this.axes)} must name a non-batch axis of each input (rank >= 2); ` +
            `received shapes ${fmtSpecs(shapes)}`,
        );
      }
    });
    return [a, b];
  }

  protected override mergedShape(shapes: readonly ShapeSpec[]): ShapeSpec {
    const [s1, s2] = shapes as [ShapeSpec, ShapeSpec];
    const [a, b] = this.dotAxes(shapes);
    if (s1[0] !== null && s2[0] !== null && s1[0] !== s2[0]) {
      throw new ValueError(`the batch sizes differ; received shapes ${fmtSpecs(shapes)}`);
    }
    if (s1[a] !== null && s2[b] !== null && s1[a] !== s2[b]) {
      throw new ValueError(
        `incompatible input shapes: axis ${a} of the first input has size ${s1[a]} but axis ${b} ` +
          `of the second has size ${s2[b]}; received shapes ${fmtSpecs(shapes)}`,
      );
    }
    const out = [
      s1[0] ?? s2[0] ?? null,
      ...s1.filter((_, i) => i !== 0 && i !== a),
      ...s2.filter((_, i) => i !== 0 && i !== b),
    ];
    return out.length === 1 ? [out[0]!, 1] : out;
  }

  override build(inputShape: Shapes): void {
    this.mergedShape(shapeList(inputShape, "Dot", { exact: 2 }));
  }

  override call(inputs: Tensor[]): Tensor {
    if (!Array.isArray(inputs))
      throw new ValueError(`a Dot layer must be called on a list of 2 inputs`);
    this.mergedShape(
      shapeList(
        inputs.map((t) => t.shape),
        "Dot",
        { exact: 2 },
      ),
    );
    return this.mergeFunction(inputs);
  }

  protected mergeFunction(inputs: Tensor[]): Tensor {
    let [x, y] = inputs as [Tensor, Tensor];
    const [a, b] = this.dotAxes([x.shape, y.shape]);
    if (this.normalize) {
      x = l2Normalize(x, a);
      y = l2Normalize(y, b);
    }
    return batchDot(x, y, a, b);
  }

  override computeOutputShape(inputShape: Shapes): ShapeSpec {
    return this.mergedShape(shapeList(inputShape, "Dot", { exact: 2 }));
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = super.computeOutputDtype(inputDtypes);
    return isFloat(d) ? d : "float32";
  }

  /** Keras drops masks here: the summed axis has no per-position meaning left. */
  override computeMask(_inputs: Tensor | Tensor[], _mask: Masks): null {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axes: typeof this.axes === "number" ? this.axes : [...this.axes],
      normalize: this.normalize,
    };
  }

  static fromConfig(config: Record<string, unknown>): Dot {
    const { axes, ...args } = fromKerasConfig(config);
    return new Dot(axes as number | [number, number], args as DotArgs);
  }
}

/** Keras `layers.dot([a, b], axes = -1, {normalize})`. */
export function dot(
  inputs: readonly SymbolicTensor[],
  axes?: number | readonly [number, number],
  args?: DotArgs,
): SymbolicTensor;
export function dot(
  inputs: readonly TensorLike[],
  axes?: number | readonly [number, number],
  args?: DotArgs,
): Tensor;
export function dot(
  inputs: readonly (SymbolicTensor | TensorLike)[],
  axes: number | readonly [number, number] = -1,
  args: DotArgs = {},
): SymbolicTensor | Tensor {
  return new Dot(axes, args).apply(inputs as readonly TensorLike[]);
}

registerKerasLayers({ Dot });
