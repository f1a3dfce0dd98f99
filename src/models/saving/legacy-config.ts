/**
 * Configs written by Keras 1 and 2 (and tf.keras), rewritten into what Strata's layers read, as
 * Keras 3's legacy loader does (keras/src/legacy/saving/saving_utils.py `model_from_config`) and
 * a little further where Keras 3 itself fails on such files:
 *
 * - Every layer config without a `module` key (the legacy format): a one-element list `axis`
 *   (`[3]`, as BatchNormalization and LayerNormalization wrote it) becomes its number, as Keras 3
 *   does.
 * - From Keras < 3, a functional model's `input_layers` / `output_layers` holding one tensor:
 *   Keras 2 wrote a list of one, and its models took and returned that one tensor bare (Keras 3
 *   unpacks it in `call`): the list becomes the tensor, so `predict` returns a tensor, not a
 *   list of one.
 * - Keys that tf.keras wrote and Keras 3's constructors refuse: `groups` on DepthwiseConv2D
 *   (always 1 there), MultiHeadAttention's build shapes `query_shape` / `key_shape` /
 *   `value_shape` (the replayed call builds the layer).
 * - With `kerasVersion` below 3 (a legacy `.h5` file's `keras_version` attribute; "1" when
 *   absent, as Keras reads it; or Keras 2's `model.to_json()`, which records it), every
 *   `"hard_sigmoid"` activation becomes `"hard_sigmoid_keras2"`: Keras 1 and 2 defined
 *   hard_sigmoid as clip(0.2x + 0.5, 0, 1), Keras 3 as clip(x/6 + 0.5, 0, 1), and a model must
 *   predict what it was trained to. Keras 3 does not do this (its predictions for such files
 *   differ); see docs/keras-files.md.
 *
 * Lambda's Keras 2 keys are read by the Lambda layer itself (layers/core/lambda.ts).
 */
import { ValueError } from "../../errors.js";

/** Whether a `keras_version` string names a release before Keras 3 ("1", "2.2.4", "2.15.0"). */
export function beforeKeras3(version: string): boolean {
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) && major < 3;
}

/** Keras's class names whose configs carry build shapes tf.keras wrote and Keras 3 refuses. */
const BUILD_SHAPE_KEYS: Readonly<Record<string, readonly string[]>> = {
  MultiHeadAttention: ["query_shape", "key_shape", "value_shape"],
};

/**
 * A copy of `config` (a whole model's or one layer's serialized config) with the legacy forms
 * above rewritten; configs in Keras 3's format pass unchanged, apart from the activation rename
 * that `kerasVersion` asks for.
 */
export function upgradeLegacyConfig(config: unknown, kerasVersion: string | null): unknown {
  const keras2 = kerasVersion !== null && beforeKeras3(kerasVersion);
  const walk = (value: unknown, key: string | null): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, null));
    if (typeof value === "string") {
      return keras2 && value === "hard_sigmoid" && key !== null && key.endsWith("activation")
        ? "hard_sigmoid_keras2"
        : value;
    }
    // Only JSON's own shapes are rewritten: a Layer, tensor or typed array passes as it is.
    if (!isPlainObject(value)) return value;
    const out = Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]),
    );
    return isLegacyLayer(out) ? upgradeLayer(out, keras2) : out;
  };
  return walk(config, null);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `{class_name, config}` without `module`: an object in Keras 1/2's serialization. */
function isLegacyLayer(o: Record<string, unknown>): o is {
  class_name: string;
  config: Record<string, unknown>;
} {
  return (
    typeof o.class_name === "string" &&
    typeof o.config === "object" &&
    o.config !== null &&
    !Array.isArray(o.config) &&
    !("module" in o)
  );
}

/** `[layer name, node index, tensor index]`. */
function isHistory(x: unknown): boolean {
  return Array.isArray(x) && x.length === 3 && typeof x[0] === "string";
}

function upgradeLayer(o: { class_name: string; config: Record<string, unknown> }, keras2: boolean) {
  const config = { ...o.config };
  const { axis } = config;
  if (Array.isArray(axis) && axis.length === 1) config.axis = Number(axis[0]);
  if (o.class_name === "DepthwiseConv2D" && "groups" in config) {
    if (config.groups !== 1 && config.groups !== null) {
      throw new ValueError(
        `DepthwiseConv2D "${String(config.name)}": expected groups 1 (tf.keras's DepthwiseConv2D ` +
          `always wrote 1); received groups=${JSON.stringify(config.groups)}`,
      );
    }
    delete config.groups;
  }
  for (const k of BUILD_SHAPE_KEYS[o.class_name] ?? []) delete config[k];
  if (keras2 && Array.isArray(config.layers)) {
    for (const k of ["input_layers", "output_layers"]) {
      const v = config[k];
      if (Array.isArray(v) && v.length === 1 && isHistory(v[0])) config[k] = v[0];
    }
  }
  return { ...o, config };
}
