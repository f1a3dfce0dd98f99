/** `optimizers.*`: Keras's optimizers, their string identifiers and `optimizers.schedules`. */
import { resolveCustomObject, type CustomObjects } from "../../nn/object-registration.js";
import { ValueError } from "../../errors.js";
import { type KerasObject, isKerasObject } from "../../nn/serialization.js";
import { Adadelta } from "./adadelta.js";
import { Adafactor } from "./adafactor.js";
import { Ftrl } from "./ftrl.js";
import { Lamb } from "./lamb.js";
import { LossScaleOptimizer } from "./loss-scale-optimizer.js";
import { MultiOptimizer } from "./multi-optimizer.js";
import { Adagrad } from "./adagrad.js";
import { Adam, AdamW } from "./adam.js";
import { Adamax } from "./adamax.js";
import { Lion } from "./lion.js";
import { Nadam } from "./nadam.js";
import { Optimizer } from "./optimizer.js";
import { RMSprop } from "./rmsprop.js";
import { SGD } from "./sgd.js";
import { Muon } from "./muon.js";
import { ScheduleFreeAdamW } from "./schedule-free-adamw.js";

export { Optimizer, type OptimizerOptions, type LearningRate, type SlotSpec } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adam, AdamW, type AdamOptions, type AdamWOptions } from "./adam.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export { Adadelta, type AdadeltaOptions } from "./adadelta.js";
export { Adamax, type AdamaxOptions } from "./adamax.js";
export { Nadam, type NadamOptions } from "./nadam.js";
export { Lion, type LionOptions } from "./lion.js";
export { Adafactor, type AdafactorOptions } from "./adafactor.js";
export { Ftrl, type FtrlOptions } from "./ftrl.js";
export { Lamb, type LambOptions } from "./lamb.js";
export { Muon, type MuonOptions } from "./muon.js";
export { ScheduleFreeAdamW, type ScheduleFreeAdamWOptions } from "./schedule-free-adamw.js";
export { LossScaleOptimizer, type LossScaleOptimizerOptions } from "./loss-scale-optimizer.js";
export {
  MultiOptimizer,
  type MultiOptimizerOptions,
  type OptimizerSelector,
} from "./multi-optimizer.js";
export { OptimizerMap } from "./optimizer-map.js";
export { LearningRateSchedule } from "./schedules.js";
export * as schedules from "./schedules.js";

type OptimizerClass = {
  fromConfig(config: Record<string, unknown>, customObjects?: CustomObjects): Optimizer;
};

// Keras looks built-in optimizers up by their lower-cased class name ("rmsprop", "adamw" …).
const BUILT_IN: Record<string, OptimizerClass> = {
  sgd: SGD,
  rmsprop: RMSprop,
  adam: Adam,
  adamw: AdamW,
  adagrad: Adagrad,
  adadelta: Adadelta,
  adamax: Adamax,
  nadam: Nadam,
  lion: Lion,
  adafactor: Adafactor,
  ftrl: Ftrl,
  lamb: Lamb,
  muon: Muon,
  schedulefreeadamw: ScheduleFreeAdamW,
  lossscaleoptimizer: {
    fromConfig: (config, custom) =>
      LossScaleOptimizer.fromConfigWith(config, (c) => deserialize(c, custom)),
  },
  multioptimizer: {
    fromConfig: (config, custom) =>
      MultiOptimizer.fromConfigWith(config, (c) => deserialize(c, custom), custom),
  },
};

/** A registered custom optimizer, checked to be one. */
function asOptimizer(custom: unknown, identifier: unknown): Optimizer {
  if (custom instanceof Optimizer) return custom;
  throw new ValueError(
    `optimizers: the custom object for ${JSON.stringify(identifier)} is not an Optimizer; received ${String(custom)}`,
  );
}

/** Keras `optimizers.serialize`. */
export function serialize(optimizer: Optimizer): KerasObject {
  return optimizer.serialize();
}

/** Keras `optimizers.deserialize`: class names match case-insensitively, as in Keras. */
export function deserialize(config: unknown, customObjects: CustomObjects = {}): Optimizer {
  const custom = isKerasObject(config) ? resolveCustomObject(config, customObjects) : undefined;
  if (custom !== undefined) return asOptimizer(custom, config);
  if (!isKerasObject(config)) {
    throw new ValueError(
      `optimizers.deserialize: expected {class_name, config}; received ${JSON.stringify(config)}`,
    );
  }
  const cls = BUILT_IN[String(config.class_name).toLowerCase()];
  if (!cls) {
    throw new ValueError(
      `optimizers.deserialize: unknown optimizer ${JSON.stringify(config.class_name)}; expected one of ` +
        Object.keys(BUILT_IN).join(", "),
    );
  }
  return cls.fromConfig(config.config ?? {}, customObjects);
}

/**
 * Keras `optimizers.get`: an instance (returned as is), a Keras string ("adam", "rmsprop" …, any
 * case) or a serialized config.
 */
export function getOptimizer(identifier: unknown): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  const custom = resolveCustomObject(identifier);
  if (custom !== undefined) return asOptimizer(custom, identifier);
  if (typeof identifier === "string") {
    const cls = BUILT_IN[identifier.toLowerCase()];
    if (cls) return cls.fromConfig({});
  } else if (isKerasObject(identifier)) {
    return deserialize(identifier);
  }
  throw new ValueError(
    `Could not interpret optimizer identifier: ${typeof identifier === "string" ? JSON.stringify(identifier) : String(identifier)}; ` +
      `expected an Optimizer, a config, or one of ${Object.keys(BUILT_IN).join(", ")}`,
  );
}

/** Keras `optimizers.get` (the same as `getOptimizer`). */
export { getOptimizer as get };
