import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { add, multiply, rsqrt, square } from "../../ops/elementwise.js";
import { reshape } from "../../ops/movement.js";
import { mean } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";
import { resolveAxes } from "./unit-normalization.js";

export interface RMSNormalizationArgs extends LayerArgs {
  /** The axis or axes to normalize over (default -1). */
  axis?: number | readonly number[];
  /** Added to the mean square (default 1e-6). */
  epsilon?: number;
}

/**
 * Keras `RMSNormalization` (Zhang & Sennrich, 2019): `x · rsqrt(mean(x², axis) + epsilon) · scale`,
 * with one weight "scale" (initialized to ones) over the normalized axes. As in Keras, building
 * turns `axis` into a sorted list, which the config then stores.
 */
export class RMSNormalization extends Layer {
  axis: number | number[];
  readonly epsilon: number;
  scale: Variable | null = null;

  constructor(args: RMSNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    const list = typeof axis === "number" ? [axis] : axis;
    if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a))) {
      throw new ValueError(
        `${this.where()}: axis must be an integer or a list of integers; ` +
          `received axis=${JSON.stringify(args.axis)}`,
      );
    }
    this.axis = typeof axis === "number" ? axis : [...list];
    this.epsilon = args.epsilon ?? 1e-6;
  }

  override build(inputShape: ShapeSpec): void {
    const list = typeof this.axis === "number" ? [this.axis] : [...this.axis].sort((a, b) => a - b);
    resolveAxes(list, inputShape, this.where());
    const shape = list.map((a) => {
      const d = inputShape.at(a);
      if (d === null || d === undefined) {
        throw new ValueError(
          `${this.where()}: the normalized axes must have known sizes; received shape ` +
            `${fmtSpec(inputShape)}, axis=${JSON.stringify(this.axis)}`,
        );
      }
      return d;
    });
    this.axis = list;
    this.scale = this.addWeight({ name: "scale", shape, initializer: "ones" });
  }

  call(inputs: Tensor): Tensor {
    const axes = resolveAxes(this.axis, inputs.shape, this.where());
    const rrms = rsqrt(add(mean(square(inputs), axes, true), this.epsilon));
    const y = multiply(inputs, rrms);
    if (!this.scale) return y;
    const along = inputs.shape.map((d, i) => (axes.includes(i) ? d : 1));
    return multiply(y, reshape(this.scale, along));
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    resolveAxes(this.axis, inputShape, this.where());
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      epsilon: this.epsilon,
    };
  }

  static fromConfig(config: Record<string, unknown>): RMSNormalization {
    return new RMSNormalization(fromKerasConfig(config) as RMSNormalizationArgs);
  }
}

registerKerasLayers({ RMSNormalization });
