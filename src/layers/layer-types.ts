/** The option types of Layer: constructor arguments, call options, `addWeight` options, shapes. */
import type { Initializer } from "../nn/initializers.js";
import type { Regularizer } from "../nn/regularizers.js";
import type { Constraint } from "../nn/constraints.js";
import type { KerasObject } from "../nn/serialization.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ShapeSpec } from "./shape-spec.js";

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Keras's `input_shape` on the first layer of a Sequential model (without the batch axis). */
  inputShape?: ShapeSpec;
  batchSize?: number;
  activityRegularizer?: string | Regularizer | null;
}

export interface CallOptions {
  training?: boolean;
  mask?: Tensor | null | readonly (Tensor | null)[];
}

export interface AddWeightOptions {
  shape: readonly number[];
  initializer?: string | Initializer | KerasObject;
  dtype?: DType;
  trainable?: boolean;
  regularizer?: string | Regularizer | null;
  constraint?: string | Constraint | null;
  name?: string;
}
