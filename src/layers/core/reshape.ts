import { ValueError } from "../../errors.js";
import { reshape } from "../../ops/movement.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/**
 * The target shape with its -1 resolved from the input's (batchless) shape; the -1 stays
 * unknown (null) while any input axis is unknown. Throws when the sizes cannot match.
 */
export function resolveTargetShape(inputShape: ShapeSpec, target: readonly number[]): ShapeSpec {
  const unknown = target.indexOf(-1);
  if (inputShape.some((d) => d === null)) return target.map((d) => (d === -1 ? null : d));
  const size = (inputShape as number[]).reduce((a, b) => a * b, 1);
  const known = target.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const fits = unknown < 0 ? known === size : known !== 0 && size % known === 0;
  if (!fits) {
    throw new ValueError(
      `the total size must be unchanged: the input ${fmtSpec(inputShape)} has ${size} values per ` +
        `sample, which do not fit targetShape ${fmtSpec(target)}`,
    );
  }
  return target.map((d) => (d === -1 ? size / known : d));
}

/** Keras `Reshape`: each sample to `targetShape` (without the batch axis; one entry may be -1). */
export class Reshape extends Layer {
  readonly targetShape: number[];

  constructor(targetShape: readonly number[], args: LayerArgs = {}) {
    super(args);
    if (
      !Array.isArray(targetShape) ||
      !targetShape.every((d) => Number.isInteger(d) && (d > 0 || d === -1))
    ) {
      throw new ValueError(
        `${this.where()}: targetShape must be a list of positive integers (one may be -1); ` +
          `received targetShape=${JSON.stringify(targetShape)}`,
      );
    }
    if (targetShape.filter((d) => d === -1).length > 1) {
      throw new ValueError(
        `${this.where()}: targetShape must not contain more than one -1; received targetShape=${JSON.stringify(targetShape)}`,
      );
    }
    this.targetShape = [...targetShape];
    this.built = true; // no weights: Keras builds it at construction
  }

  call(inputs: Tensor): Tensor {
    const target = resolveTargetShape(inputs.shape.slice(1), this.targetShape) as number[];
    return reshape(inputs, [inputs.shape[0]!, ...target]);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return [inputShape[0] ?? null, ...resolveTargetShape(inputShape.slice(1), this.targetShape)];
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }

  static fromConfig(config: Record<string, unknown>): Reshape {
    const { targetShape, ...args } = fromKerasConfig(config);
    return new Reshape(targetShape as number[], args as LayerArgs);
  }
}

registerKerasLayers({ Reshape });
