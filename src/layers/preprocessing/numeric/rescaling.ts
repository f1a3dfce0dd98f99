/**
 * Keras `Rescaling`: output = cast(input) · scale + offset, in training and inference alike. Integer
 * inputs (uint8 images, int32 ids) are cast to the layer's dtype (float32 by default) first, so
 * `new Rescaling(1 / 255)` turns a uint8 image batch into floats in [0, 1].
 */
import { ValueError } from "../../../errors.js";
import { add, cast, multiply } from "../../../ops/elementwise.js";
import { asTensor } from "../../../ops/core.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";

/** A scale or offset: one number, or one per channel (broadcast against the last axis). */
export type RescalingValue = number | readonly number[];

export interface RescalingArgs extends LayerArgs {
  /** added after scaling; 0 by default */
  offset?: RescalingValue;
}

/** Keras writes a NumPy scale as `{class_name: "__numpy__", config: {value, dtype}}`. */
function fromSerialized(value: unknown, where: string, arg: string): RescalingValue {
  if (typeof value === "number") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) return value as number[];
  const obj = value as { class_name?: unknown; config?: { value?: unknown } } | null;
  if (obj && typeof obj === "object" && obj.class_name === "__numpy__" && obj.config) {
    return fromSerialized(obj.config.value, where, arg);
  }
  throw new ValueError(
    `${where}: ${arg} must be a number or a list of numbers; received ${JSON.stringify(value)}`,
  );
}

export class Rescaling extends Layer {
  readonly scale: RescalingValue;
  readonly offset: RescalingValue;

  constructor(scale: RescalingValue, args: RescalingArgs = {}) {
    super(args);
    this.scale = fromSerialized(scale, this.where(), "scale");
    this.offset = fromSerialized(args.offset ?? 0, this.where(), "offset");
    this.supportsMasking = true;
  }

  call(inputs: Tensor): Tensor {
    const x = inputs.dtype === this.dtype ? inputs : cast(inputs, this.dtype);
    const scale = asTensor(this.scale as number | number[], this.dtype);
    const offset = asTensor(this.offset as number | number[], this.dtype);
    return add(multiply(x, scale), offset);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }

  static fromConfig(config: Record<string, unknown>): Rescaling {
    const { scale, ...args } = fromKerasConfig(config);
    return new Rescaling(scale as RescalingValue, args as RescalingArgs);
  }
}

registerKerasLayers({ Rescaling });
