import { imageDataFormat } from "../../tensor/config.js";
import { ValueError } from "../../errors.js";
import { reshape, transpose } from "../../ops/movement.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export type DataFormat = "channels_last" | "channels_first";

export function checkDataFormat(value: unknown, where: string): DataFormat {
  const v = value ?? imageDataFormat();
  if (v !== "channels_last" && v !== "channels_first") {
    throw new ValueError(
      `${where}: dataFormat must be "channels_last" or "channels_first"; received dataFormat=${JSON.stringify(value)}`,
    );
  }
  return v;
}

export interface FlattenArgs extends LayerArgs {
  /** "channels_first" inputs are moved to channels-last first, so the order matches Keras. */
  dataFormat?: DataFormat;
}

/** Keras `Flatten`: [batch, ...] → [batch, prod(...)]; a [batch] input becomes [batch, 1]. */
export class Flatten extends Layer {
  readonly dataFormat: DataFormat;

  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = checkDataFormat(args.dataFormat, this.where());
  }

  override build(inputShape: ShapeSpec): void {
    if (inputShape.length < 1) {
      throw new ValueError(`expected an input with a batch axis (rank >= 1); received a scalar`);
    }
  }

  call(inputs: Tensor): Tensor {
    if (inputs.rank < 1) {
      throw new ValueError(`expected an input with a batch axis (rank >= 1); received a scalar`);
    }
    let x = inputs;
    if (this.dataFormat === "channels_first" && x.rank > 2) {
      x = transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
    }
    return reshape(x, [x.shape[0]!, x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const rest = inputShape.slice(1);
    const size = rest.some((d) => d === null)
      ? null
      : rest.reduce<number>((a, b) => a * (b as number), 1);
    return [inputShape[0] ?? null, size];
  }

  /** Flattening moves values; it keeps the input's dtype (int ids stay ints). */
  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, unknown>): Flatten {
    return new Flatten(fromKerasConfig(config) as FlattenArgs);
  }
}

registerKerasLayers({ Flatten });
