import { ValueError } from "../../errors.js";
import { maximum, multiply, rsqrt, square } from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface UnitNormalizationArgs extends LayerArgs {
  /** The axis or axes whose L2 norm becomes 1 (default -1). */
  axis?: number | readonly number[];
}

/** Checks `axes` against the rank and returns them non-negative. */
export function resolveAxes(
  axis: number | readonly number[],
  shape: ShapeSpec,
  where: string,
): number[] {
  const rank = shape.length;
  const list = typeof axis === "number" ? [axis] : axis;
  return list.map((a) => {
    if (a < -rank || a >= rank) {
      throw new ValueError(
        `${where}: axis ${a} is out of bounds for inputs of shape ${fmtSpec(shape)}; ` +
          `received axis=${JSON.stringify(axis)}`,
      );
    }
    return a < 0 ? a + rank : a;
  });
}

/**
 * Keras `UnitNormalization`: `ops.normalize(x, axis, order=2, epsilon=1e-12)`, which computes
 * x · rsqrt(max(Σx², 1e-24)) over the axes (the clamp keeps zero vectors at zero, with a finite
 * gradient). No weights; masks pass through.
 */
export class UnitNormalization extends Layer {
  readonly axis: number | number[];

  constructor(args: UnitNormalizationArgs = {}) {
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
    this.supportsMasking = true;
  }

  call(inputs: Tensor): Tensor {
    const axes = resolveAxes(this.axis, inputs.shape, this.where());
    return multiply(inputs, rsqrt(maximum(sum(square(inputs), axes, true), 1e-24)));
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    resolveAxes(this.axis, inputShape, this.where());
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }

  static fromConfig(config: Record<string, unknown>): UnitNormalization {
    return new UnitNormalization(fromKerasConfig(config) as UnitNormalizationArgs);
  }
}

registerKerasLayers({ UnitNormalization });
