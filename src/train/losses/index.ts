/** `losses.*`: Keras's loss classes, their function forms and `getLoss` (Keras `losses.get`). */
import { resolveCustomObject, type CustomObjects } from "../../nn/object-registration.js";
import { ValueError } from "../../errors.js";
import { type KerasObject, isKerasObject } from "../../nn/serialization.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  CategoricalFocalCrossentropy,
  CategoricalGeneralizedCrossEntropy,
} from "./categorical-variants.js";
import { Circle } from "./circle.js";
import { CTC } from "./ctc.js";
import { CategoricalHinge, Hinge, SquaredHinge } from "./hinge.js";
import { Dice, Tversky } from "./overlap.js";
import {
  Loss,
  LossFunctionWrapper,
  type ShapeSource,
  checkOptionsOfLosses,
  crossentropyKind,
} from "./loss.js";
import {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalCrossentropy,
  KLDivergence,
  Poisson,
  SparseCategoricalCrossentropy,
} from "./probabilistic.js";
import {
  CosineSimilarity,
  Huber,
  LogCosh,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredError,
  MeanSquaredLogarithmicError,
} from "./regression.js";

export {
  Loss,
  LossFunctionWrapper,
  type LossFn,
  type LossOptions,
  type Reduction,
  type ShapeSource,
} from "./loss.js";
export {
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  CosineSimilarity,
  Huber,
  LogCosh,
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  cosineSimilarity,
  huber,
  logCosh,
} from "./regression.js";
export {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  KLDivergence,
  Poisson,
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  klDivergence,
  poisson,
  type CrossentropyOptions,
  type FocalOptions,
  type SparseCrossentropyOptions,
} from "./probabilistic.js";
export {
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  hinge,
  squaredHinge,
  categoricalHinge,
} from "./hinge.js";

export {
  CategoricalFocalCrossentropy,
  CategoricalGeneralizedCrossEntropy,
  categoricalFocalCrossentropy,
  categoricalGeneralizedCrossEntropy,
  type CategoricalFocalOptions,
} from "./categorical-variants.js";
export { Dice, Tversky, dice, tversky, type OverlapAxis, type TverskyOptions } from "./overlap.js";
export { Circle, circle, type CircleOptions } from "./circle.js";
export { CTC, ctc } from "./ctc.js";

type LossClass = (new (opts: never) => Loss) & {
  fromConfig(config: Record<string, unknown>): Loss;
};

/** Keras `losses.ALL_OBJECTS` by class name. */
const CLASSES: Record<string, LossClass> = {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  KLDivergence,
  Poisson,
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  CosineSimilarity,
  Huber,
  LogCosh,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  CategoricalFocalCrossentropy,
  CategoricalGeneralizedCrossEntropy,
  Dice,
  Tversky,
  Circle,
  CTC,
};

checkOptionsOfLosses(Object.values(CLASSES));

/** Keras's loss-function strings (and their short aliases) and the class that computes each. */
const STRINGS: Record<string, LossClass> = {
  binary_crossentropy: BinaryCrossentropy,
  bce: BinaryCrossentropy,
  BCE: BinaryCrossentropy,
  binary_focal_crossentropy: BinaryFocalCrossentropy,
  categorical_crossentropy: CategoricalCrossentropy,
  sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
  kl_divergence: KLDivergence,
  kld: KLDivergence,
  KLD: KLDivergence,
  poisson: Poisson,
  mean_squared_error: MeanSquaredError,
  mse: MeanSquaredError,
  MSE: MeanSquaredError,
  mean_absolute_error: MeanAbsoluteError,
  mae: MeanAbsoluteError,
  MAE: MeanAbsoluteError,
  mean_absolute_percentage_error: MeanAbsolutePercentageError,
  mape: MeanAbsolutePercentageError,
  MAPE: MeanAbsolutePercentageError,
  mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
  msle: MeanSquaredLogarithmicError,
  MSLE: MeanSquaredLogarithmicError,
  cosine_similarity: CosineSimilarity,
  huber: Huber,
  log_cosh: LogCosh,
  hinge: Hinge,
  squared_hinge: SquaredHinge,
  categorical_hinge: CategoricalHinge,
  categorical_focal_crossentropy: CategoricalFocalCrossentropy,
  categorical_generalized_cross_entropy: CategoricalGeneralizedCrossEntropy,
  dice: Dice,
  tversky: Tversky,
  circle: Circle,
  ctc: CTC,
};

const CROSSENTROPY: Record<ReturnType<typeof crossentropyKind>, LossClass> = {
  binary: BinaryCrossentropy,
  sparse_categorical: SparseCategoricalCrossentropy,
  categorical: CategoricalCrossentropy,
};

/** The strings `getLoss` accepts (class names aside). */
export const lossNames: readonly string[] = [...Object.keys(STRINGS), "crossentropy", "ce"];

export interface GetLossOptions {
  /** y_true and y_pred (or their shapes): let "crossentropy" / "ce" pick binary, sparse or categorical. */
  yTrue?: ShapeSource;
  yPred?: ShapeSource;
}

/**
 * Keras `losses.get` as `compile` uses it: a Keras string ("mse", "sparse_categorical_crossentropy",
 * a class name), a `Loss`, a plain `(yTrue, yPred) => Tensor` function (wrapped in a
 * `LossFunctionWrapper`), or a serialized `{class_name, config}`. A loss made from a function
 * string is named by that string ("mse"), as Keras's compile does. `null`/`undefined` give null.
 */
export function getLoss(identifier: null | undefined, opts?: GetLossOptions): null;
export function getLoss(
  identifier: string | Loss | ((yTrue: Tensor, yPred: Tensor) => Tensor) | KerasObject,
  opts?: GetLossOptions,
): Loss;
export function getLoss(identifier: unknown, opts?: GetLossOptions): Loss | null;
export function getLoss(identifier: unknown, opts: GetLossOptions = {}): Loss | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Loss) return identifier;
  const custom = resolveCustomObject(identifier);
  if (custom !== undefined) return asLoss(custom, identifier);
  if (typeof identifier === "string") {
    const lower = identifier.toLowerCase();
    if (lower === "crossentropy" || lower === "ce") {
      if (!opts.yTrue || !opts.yPred) {
        throw new ValueError(
          `getLoss: "${identifier}" is resolved from the shapes of y_true and y_pred; pass { yTrue, yPred }`,
        );
      }
      return new CROSSENTROPY[crossentropyKind(opts.yTrue, opts.yPred)]({
        name: identifier,
      } as never);
    }
    const fromString = Object.hasOwn(STRINGS, identifier) ? STRINGS[identifier] : undefined;
    if (fromString) return new fromString({ name: identifier } as never);
    const cls = Object.hasOwn(CLASSES, identifier) ? CLASSES[identifier] : undefined;
    if (cls) return new cls({} as never);
    throw new ValueError(
      `getLoss: unknown loss ${JSON.stringify(identifier)}; expected one of ${lossNames.join(", ")} ` +
        `(or a Loss class name)`,
    );
  }
  if (typeof identifier === "function") {
    return new LossFunctionWrapper(identifier as (yTrue: Tensor, yPred: Tensor) => Tensor);
  }
  if (isKerasObject(identifier)) return deserialize(identifier);
  throw new ValueError(
    `getLoss: expected a loss (string, Loss instance, function or config); received ${String(identifier)}`,
  );
}

/** Keras `losses.get`. */
export const get = getLoss;

/** Keras `losses.serialize`: `{module, class_name, config, registered_name}`. */
export function serialize(loss: Loss): KerasObject {
  return loss.serialize();
}

/** A registered custom loss: a `Loss` as it is, a function wrapped as `getLoss` wraps one. */
function asLoss(custom: unknown, identifier: unknown): Loss {
  if (custom instanceof Loss) return custom;
  if (typeof custom === "function") {
    return new LossFunctionWrapper(custom as (yTrue: Tensor, yPred: Tensor) => Tensor);
  }
  throw new ValueError(
    `getLoss: the custom object for ${JSON.stringify(identifier)} is not a loss; received ${String(custom)}`,
  );
}

/**
 * Keras `losses.deserialize`: a serialized loss (or a Keras loss string) back to a `Loss`.
 * Registered custom objects, `customObjects` and an active `CustomObjectScope` come first.
 */
export function deserialize(config: KerasObject | string, customObjects: CustomObjects = {}): Loss {
  const custom = resolveCustomObject(config, customObjects);
  if (custom !== undefined) return asLoss(custom, config);
  if (typeof config === "string") return getLoss(config)!;
  // Keras writes a loss given as a function as {class_name: "function", config: "<its name>"}.
  if (config.class_name === "function" && typeof config.config === "string")
    return getLoss(config.config)!;
  const cls = Object.hasOwn(CLASSES, config.class_name) ? CLASSES[config.class_name] : undefined;
  // Keras 3's ALL_OBJECTS_DICT also holds the loss functions and their aliases ("mse", "kld"):
  // such a class name deserializes to the function, so its config is not used.
  if (!cls && Object.hasOwn(STRINGS, config.class_name)) return getLoss(config.class_name)!;
  if (!cls) {
    throw new ValueError(
      `deserialize: unknown loss class ${JSON.stringify(config.class_name)}; expected one of ` +
        Object.keys(CLASSES).join(", "),
    );
  }
  return cls.fromConfig(config.config ?? {});
}
