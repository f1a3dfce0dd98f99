import { ValueError } from "../../errors.js";
import { L1L2 } from "../../nn/regularizers.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface ActivityRegularizationArgs extends Omit<LayerArgs, "activityRegularizer"> {
  l1?: number;
  l2?: number;
}

/**
 * Keras `ActivityRegularization`: passes its input through and adds
 * (l1·Σ|x| + l2·Σx²) / batch size to the losses — the base layer's activity regularizer, which
 * divides by the batch size as Keras 3 does.
 */
export class ActivityRegularization extends Layer {
  readonly l1: number;
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    const l1 = args.l1 ?? 0;
    const l2 = args.l2 ?? 0;
    for (const [k, v] of [
      ["l1", l1],
      ["l2", l2],
    ] as const) {
      if (typeof v !== "number" || !(Number.isFinite(v) && v >= 0)) {
        throw new ValueError(
          `ActivityRegularization: ${k} must be a non-negative number; received ${k}=${String(v)}`,
        );
      }
    }
    super({ ...args, activityRegularizer: new L1L2({ l1, l2 }) });
    this.l1 = l1;
    this.l2 = l2;
    this.supportsMasking = true;
    this.built = true;
  }

  call(inputs: Tensor): Tensor {
    return inputs;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    const base = super.getConfig();
    delete base.activity_regularizer;
    return { ...base, l1: this.l1, l2: this.l2 };
  }

  static fromConfig(config: Record<string, unknown>): ActivityRegularization {
    const args = fromKerasConfig(config);
    delete args.activityRegularizer;
    return new ActivityRegularization(args as ActivityRegularizationArgs);
  }
}

registerKerasLayers({ ActivityRegularization });
