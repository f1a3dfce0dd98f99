import {
  type Activation as ActivationFn,
  activation as getActivation,
} from "../../ops/activations.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { activationName, fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/** Keras `Activation`: applies an activation function ("relu", "softmax" … or a function). */
export class Activation extends Layer {
  readonly activation: ActivationFn;

  constructor(
    private readonly given: string | ActivationFn,
    args: LayerArgs = {},
  ) {
    super(args);
    this.activation = getActivation(given);
    this.supportsMasking = true;
    this.built = true; // no weights: Keras builds it at construction (no build_config)
  }

  call(inputs: Tensor): Tensor {
    return this.activation(inputs);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  /** Float inputs keep their precision; integers become floats, as the activation ops do. */
  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const d = inputDtypes[0];
    return d !== undefined && isFloat(d) ? d : "float32";
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: activationName(this.activation, this.given) };
  }

  static fromConfig(config: Record<string, unknown>): Activation {
    const { activation, ...args } = fromKerasConfig(config);
    return new Activation(activation as string, args as LayerArgs);
  }
}

registerKerasLayers({ Activation });
