/**
 * Keras `layers.PReLU`: f(x) = x for x ≥ 0, alpha · x otherwise, with a learned `alpha` of the
 * input's shape without the batch axis, size 1 along `sharedAxes` (Keras's weight "alpha", saved
 * as Keras saves it). Computed as Keras does: relu(x) − alpha · relu(−x).
 */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { castTo } from "../../ops/core.js";
import { add, multiply, negative, relu } from "../../ops/elementwise.js";
import { type DType, isFloat, promoteTypes } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { checkOptions } from "./activation-layer.js";

export interface PReLUArgs extends LayerArgs {
  /** Initializer of alpha (default "zeros": PReLU starts as relu). */
  alphaInitializer?: string | Initializer | KerasObject;
  alphaRegularizer?: string | Regularizer | null;
  alphaConstraint?: string | Constraint | null;
  /**
   * Input axes (1-based, the batch axis is 0) along which alpha is shared: `[1, 2]` gives one
   * alpha per channel of a (batch, height, width, channels) input.
   */
  sharedAxes?: number | readonly number[] | null;
}

const OWN = ["alphaInitializer", "alphaRegularizer", "alphaConstraint", "sharedAxes"];

export class PReLU extends Layer {
  readonly sharedAxes: number[] | null;
  alpha!: Variable;

  constructor(private readonly args: PReLUArgs = {}) {
    super(args);
    checkOptions(args, OWN, this.where());
    const shared = args.sharedAxes ?? null;
    this.sharedAxes = shared === null ? null : typeof shared === "number" ? [shared] : [...shared];
    if (this.sharedAxes && !this.sharedAxes.every((a) => Number.isInteger(a) && a >= 1)) {
      throw new ValueError(
        `${this.where()}: shared_axes must be input axes >= 1 (axis 0 is the batch); received shared_axes=${JSON.stringify(shared)}`,
      );
    }
    this.supportsMasking = true;
  }

  override build(inputShape: ShapeSpec): void {
    const rank = inputShape.length;
    const shared = new Set(this.sharedAxes ?? []);
    for (const a of shared) {
      if (a >= rank) {
        throw new ValueError(
          `${this.where()}: shared_axes ${JSON.stringify(this.sharedAxes)} has axis ${a}, beyond an input of rank ${rank} ${fmtSpec(inputShape)}`,
        );
      }
    }
    const shape = inputShape.slice(1).map((d, i) => {
      if (shared.has(i + 1)) return 1;
      if (d === null) {
        throw new ValueError(
          `${this.where()}: axis ${i + 1} of the input must be known to size alpha (or be in shared_axes); received ${fmtSpec(inputShape)}`,
        );
      }
      return d;
    });
    this.alpha = this.addWeight({
      name: "alpha",
      shape,
      initializer: this.args.alphaInitializer ?? "zeros",
      regularizer: this.args.alphaRegularizer,
      constraint: this.args.alphaConstraint,
    });
  }

  /** Keras's input spec: the build rank, and the build size on every axis alpha is not shared on. */
  private checkInput(shape: ShapeSpec): void {
    const alphaShape = this.alpha.shape;
    const ok =
      shape.length === alphaShape.length + 1 &&
      alphaShape.every((d, i) => {
        const s = shape[i + 1];
        return this.sharedAxes?.includes(i + 1) || s === null || s === d;
      });
    if (!ok) {
      throw new ValueError(
        `${this.where()}: expected inputs of shape ${fmtSpec([null, ...alphaShape.map((d, i) => (this.sharedAxes?.includes(i + 1) ? null : d))])}; received ${fmtSpec(shape)}`,
      );
    }
  }

  call(inputs: Tensor): Tensor {
    this.checkInput(inputs.shape);
    const x = isFloat(inputs.dtype) ? inputs : castTo(inputs, this.dtype);
    return add(relu(x), multiply(negative(this.alpha), relu(negative(x))));
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    if (this.built) this.checkInput(inputShape);
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = inputDtypes[0];
    return d !== undefined && isFloat(d) ? promoteTypes(d, this.dtype) : this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      alpha_initializer: serializeInitializer(a.alphaInitializer, "zeros"),
      alpha_regularizer: serializeRegularizer(a.alphaRegularizer),
      alpha_constraint: serializeConstraint(a.alphaConstraint),
      shared_axes: this.sharedAxes ? [...this.sharedAxes] : null,
    };
  }

  static fromConfig(config: Record<string, unknown>): PReLU {
    return new PReLU(fromKerasConfig(config) as PReLUArgs);
  }
}

registerKerasLayers({ PReLU });
