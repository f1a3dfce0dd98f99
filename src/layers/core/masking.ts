import { ValueError } from "../../errors.js";
import { cast, multiply, notEqual } from "../../ops/elementwise.js";
import { any } from "../../ops/reduce.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface MaskingArgs extends LayerArgs {
  /** A timestep whose features all equal this value is masked (Keras `mask_value`, default 0). */
  maskValue?: number;
}

/**
 * Keras `Masking`: the mask is `any(x != maskValue, axis=-1)`, one flag per timestep, and the
 * masked timesteps of the output are zeroed. d out = keep ⊙ dy (the mask is piecewise constant).
 */
export class Masking extends Layer {
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const v = args.maskValue ?? 0;
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new ValueError(
        `${this.where()}: maskValue must be a number; received maskValue=${String(v)}`,
      );
    }
    this.maskValue = v;
    this.supportsMasking = true;
  }

  call(inputs: Tensor): Tensor {
    const keep = any(notEqual(inputs, this.maskValue), -1, true);
    return multiply(inputs, cast(keep, inputs.dtype));
  }

  override computeMask(inputs: Tensor): Tensor {
    return any(notEqual(inputs, this.maskValue), -1);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mask_value: this.maskValue };
  }

  static fromConfig(config: Record<string, unknown>): Masking {
    return new Masking(fromKerasConfig(config) as MaskingArgs);
  }
}

registerKerasLayers({ Masking });
