/**
 * Keras's global configuration (keras/src/backend/config.py) that Strata honours: the fuzz factor
 * `epsilon` (read where Keras reads `backend.epsilon()` — when losses, metrics, constraints and
 * the ops that clip or divide run, not when they are built) and the debugging caps on `fit`'s
 * epochs and on the steps of every epoch of fit / evaluate / predict. Set from the API only
 * (`st.config`); like Keras's KERAS_MAX_EPOCHS, an environment variable is read by the CLI alone.
 */
import { ValueError } from "../errors.js";

/** The current `epsilon()` value, a live binding for the modules that read it at run time. */
export let EPSILON = 1e-7;
let maxEpochsValue: number | null = null;
let maxStepsPerEpochValue: number | null = null;

/** Keras `config.epsilon()`: the fuzz factor used in numeric expressions. Default 1e-7. */
export function epsilon(): number {
  return EPSILON;
}

/** Keras `config.set_epsilon(value)`. */
export function setEpsilon(value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(`setEpsilon: expected a finite number; received ${String(value)}`);
  }
  EPSILON = value;
}

function checkCap(value: number | null, where: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(
      `${where}: expected a positive integer or null; received ${String(value)}`,
    );
  }
  return value;
}

/** Keras `config.max_epochs()`: the cap on `fit`'s epochs, or null (none). */
export function maxEpochs(): number | null {
  return maxEpochsValue;
}

/** Keras `config.set_max_epochs(n)`: caps every later `fit` at n epochs (null lifts the cap). */
export function setMaxEpochs(value: number | null): void {
  maxEpochsValue = checkCap(value, "setMaxEpochs");
}

/** Keras `config.max_steps_per_epoch()`: the cap on steps per epoch, or null (none). */
export function maxStepsPerEpoch(): number | null {
  return maxStepsPerEpochValue;
}

/**
 * Keras `config.set_max_steps_per_epoch(n)`: caps the steps of every later epoch of fit,
 * evaluate and predict at n (null lifts the cap).
 */
export function setMaxStepsPerEpoch(value: number | null): void {
  maxStepsPerEpochValue = checkCap(value, "setMaxStepsPerEpoch");
}

let floatxValue: "float32" | "float64" = "float32";

/**
 * Keras `config.floatx()`: the default float dtype — of tensors made from JS numbers, of
 * `zeros` / `ones` / `full` / `eye` / `linspace` without a dtype, of random draws, and of layers,
 * `Input`s and metrics built without a dtype. Default "float32".
 */
export function floatx(): "float32" | "float64" {
  return floatxValue;
}

/**
 * Keras `config.set_floatx(value)`: "float32" or "float64" (Strata's float dtypes; Keras's
 * float16 and bfloat16 are not stored here and are refused).
 */
export function setFloatx(value: string): void {
  if (value !== "float32" && value !== "float64") {
    throw new ValueError(
      `setFloatx: Unknown floatx type: ${JSON.stringify(value)}; expected "float32" or "float64" ` +
        `(float16 and bfloat16 are not supported by Strata)`,
    );
  }
  floatxValue = value;
}

let imageDataFormatValue: "channels_last" | "channels_first" = "channels_last";

/**
 * Keras `config.image_data_format()`: the layout layers and image ops assume when given no
 * `dataFormat` — "channels_last" (default) or "channels_first".
 */
export function imageDataFormat(): "channels_last" | "channels_first" {
  return imageDataFormatValue;
}

/**
 * Keras `config.set_image_data_format(format)`. Layers and ops that take both layouts default to
 * it; convolutions and the 2-D pooling, padding, cropping and upsampling layers compute
 * channels-last only, so with "channels_first" they must be given `dataFormat: "channels_last"`
 * (they refuse to guess).
 */
export function setImageDataFormat(format: string): void {
  const v = typeof format === "string" ? format.toLowerCase() : format;
  if (v !== "channels_last" && v !== "channels_first") {
    throw new ValueError(
      `setImageDataFormat: The \`data_format\` argument must be one of {'channels_first', ` +
        `'channels_last'}. Received: data_format=${JSON.stringify(format)}`,
    );
  }
  imageDataFormatValue = v;
}
