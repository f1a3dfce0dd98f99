/**
 * Configs written by Keras before 3.0 (standalone Keras 2.x, tf.keras 2.x), rewritten into the
 * form Strata's Keras 3 deserializers read. Pure JSON transforms, applied before deserializing:
 *
 * - Keras ≤ 2.2 stored a Sequential model's config as a bare list of layer configs; it becomes
 *   `{name, layers}` (tf.keras's `Sequential.from_config` accepted both; Keras 3 refuses the list).
 * - Keras 2 functional configs (inbound nodes as `[layer, node, tensor, kwargs]` lists) number a
 *   nested model's calls from 1 when the nested model owns a node of its own (a Functional, or a
 *   Sequential with an input: tf.keras's `_should_skip_first_node`). Strata's
 *   nested models own no node, as Keras 3 writes them, so those references are shifted down by
 *   one; in `input_layers` / `output_layers` only the Sequential ones are (Keras 3 itself counts
 *   a Functional's from 1 there, which the functional loader already undoes).
 * - Optimizer configs: tf.keras 2.11+ registered its optimizers as `"Custom>Adam"`, and wrote
 *   `jit_compile` and `is_legacy_optimizer`; Keras 2 wrote `lr` for `learning_rate` and a
 *   time-based `decay`. The class name loses its `Custom>` package, the two tf.keras keys go,
 *   `lr` becomes `learning_rate`, and a non-zero `decay` becomes the schedule it was in Keras 2,
 *   `lr / (1 + decay · iterations)`: an InverseTimeDecay with decay_steps 1 (Keras 3 drops
 *   `decay` with a warning; Strata keeps what the model was trained with).
 * - tf.keras's training_config lists each output's metrics as MeanMetricWrapper configs
 *   (`{name: "mae", fn: "mean_absolute_error"}`): they become the metric strings they were
 *   compiled from; a Loss config's `reduction: "auto"` becomes Keras 3's default, and its `fn`
 *   (tf.keras 2.13+ wrote it for built-in loss classes) goes. The same holds in a tf.keras
 *   `.keras` archive's compile_config.
 */
import { metricNames } from "../../train/metrics/index.js";

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** The optimizers tf.keras 2.11+ registered with `register_keras_serializable` (as `Custom>…`). */
const TF_KERAS_REGISTERED = new Set(
  "Adadelta Adafactor Adagrad Adam Adamax AdamW Ftrl Lion Nadam RMSprop SGD".split(" "),
);

/** A deep copy of a model config (`{class_name, config}`), rewritten as the file comment says. */
export function upgradeModelConfig(config: unknown): unknown {
  const copy = copyPlain(config);
  upgradeLayer(copy);
  if (isObject(copy) && isObject(copy.compile_config)) {
    const cc = copy.compile_config;
    if (cc.optimizer !== undefined) cc.optimizer = upgradeOptimizerConfig(cc.optimizer);
    if (cc.loss !== undefined) cc.loss = upgradeLoss(cc.loss);
    for (const key of ["metrics", "weighted_metrics"]) {
      if (cc[key] !== undefined && cc[key] !== null) cc[key] = upgradeMetrics(cc[key]);
    }
  }
  return copy;
}

/**
 * A copy of the arrays and plain objects of a config; anything else (a Layer or a function that
 * a caller put in a config by hand) is kept as the same object.
 */
function copyPlain(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(copyPlain);
  if (typeof x !== "object" || x === null) return x;
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, copyPlain(v)]));
}

/** One serialized layer, in place: a bare-list Sequential, then its nested layers. */
function upgradeLayer(obj: unknown): void {
  if (!isObject(obj)) return;
  if (obj.class_name === "Sequential" && Array.isArray(obj.config)) {
    // Nested in a functional config, the entry's `name` is the model's name.
    const name = typeof obj.name === "string" ? obj.name : "sequential";
    obj.config = { name, layers: obj.config };
  }
  const config = obj.config;
  if (!isObject(config) || !Array.isArray(config.layers)) return;
  for (const layer of config.layers) upgradeLayer(layer);
  if (Array.isArray(config.input_layers) || Array.isArray(config.output_layers)) {
    upgradeNodeIndices(config);
  }
}

/**
 * Whether Keras 2 numbered this nested layer's calls from 1: a model that owned a node of its own
 * (tf.keras's `_should_skip_first_node`). A Sequential did when it had an input: tf.keras lists
 * its InputLayer first, standalone Keras 2 gave its first layer a `batch_input_shape`.
 */
function ownsFirstNode(layer: Json): "functional" | "sequential" | null {
  const config = layer.config;
  if (!isObject(config) || !Array.isArray(config.layers)) return null;
  if (layer.class_name === "Sequential") {
    const first = config.layers[0] as Json | undefined;
    const firstConfig = isObject(first) ? first.config : undefined;
    const hasInput =
      isObject(first) &&
      (first.class_name === "InputLayer" ||
        (isObject(firstConfig) && Array.isArray(firstConfig.batch_input_shape)));
    return hasInput ? "sequential" : null;
  }
  return "input_layers" in config ? "functional" : null;
}

/** Shifts tf.keras's node indices of nested models in a functional config's list-form nodes. */
function upgradeNodeIndices(config: Json): void {
  const layers = config.layers as Json[];
  const isListForm = layers.some(
    (l) => Array.isArray(l.inbound_nodes) && l.inbound_nodes.some((n) => Array.isArray(n)),
  );
  if (!isListForm) return; // Keras 3's {args, kwargs} nodes already count as Strata does
  const owners = new Map<string, "functional" | "sequential">();
  for (const l of layers) {
    const kind = ownsFirstNode(l);
    const name = typeof l.name === "string" ? l.name : (l.config as Json | undefined)?.name;
    if (kind && typeof name === "string") owners.set(name, kind);
  }
  if (owners.size === 0) return;
  const shift = (ref: unknown, kinds: readonly string[]): void => {
    if (!Array.isArray(ref) || typeof ref[0] !== "string" || typeof ref[1] !== "number") return;
    const kind = owners.get(ref[0]);
    if (kind && kinds.includes(kind) && ref[1] > 0) ref[1] -= 1;
  };
  // A reference in a call's keyword arguments is a [layer, node, tensor] list too.
  const shiftKwargs = (x: unknown): void => {
    if (Array.isArray(x)) {
      if (x.length === 3 && typeof x[0] === "string" && typeof x[1] === "number") {
        shift(x, ["functional", "sequential"]);
      } else x.forEach(shiftKwargs);
    } else if (isObject(x)) Object.values(x).forEach(shiftKwargs);
  };
  for (const l of layers) {
    if (!Array.isArray(l.inbound_nodes)) continue;
    for (const node of l.inbound_nodes) {
      if (!Array.isArray(node)) continue;
      for (const ref of node as unknown[][]) {
        shift(ref, ["functional", "sequential"]);
        if (Array.isArray(ref) && ref.length > 3) shiftKwargs(ref[3]);
      }
    }
  }
  const shiftIo = (s: unknown): void => {
    if (Array.isArray(s) && typeof s[0] === "string") shift(s, ["sequential"]);
    else if (Array.isArray(s)) s.forEach(shiftIo);
    else if (isObject(s)) Object.values(s).forEach(shiftIo);
  };
  shiftIo(config.input_layers);
  shiftIo(config.output_layers);
}

/** An optimizer config (`{class_name, config}`) as Keras 3 names its class and arguments. */
export function upgradeOptimizerConfig(optimizer: unknown): unknown {
  if (!isObject(optimizer)) return optimizer;
  const out: Json = { ...optimizer };
  const cls = String(out.class_name ?? "");
  const bare = cls.startsWith("Custom>") ? cls.slice("Custom>".length) : null;
  if (bare !== null && TF_KERAS_REGISTERED.has(bare)) {
    out.class_name = bare;
    if (out.registered_name === cls) out.registered_name = null;
  } else if (typeof out.registered_name === "string") {
    const reg = out.registered_name;
    if (reg.startsWith("Custom>") && TF_KERAS_REGISTERED.has(reg.slice(7))) {
      out.registered_name = null;
    }
  }
  if (!isObject(out.config)) return out;
  const config: Json = { ...out.config };
  delete config.jit_compile;
  delete config.is_legacy_optimizer;
  if ("lr" in config) {
    if (config.learning_rate === undefined) config.learning_rate = config.lr;
    delete config.lr;
  }
  const decay = config.decay;
  delete config.decay;
  if (typeof decay === "number" && decay !== 0 && typeof config.learning_rate === "number") {
    config.learning_rate = {
      module: "keras.optimizers.schedules",
      class_name: "InverseTimeDecay",
      config: {
        initial_learning_rate: config.learning_rate,
        decay_steps: 1,
        decay_rate: decay,
        staircase: false,
        name: "InverseTimeDecay",
      },
      registered_name: null,
    };
  }
  out.config = config;
  return out;
}

/** A legacy `.h5` file's `training_config`, rewritten as the file comment says. */
export function upgradeTrainingConfig(training: Json): Json {
  const out: Json = { ...training };
  if (out.optimizer_config !== undefined) {
    out.optimizer_config = upgradeOptimizerConfig(out.optimizer_config);
  }
  for (const key of ["metrics", "weighted_metrics"]) {
    if (out[key] !== undefined && out[key] !== null) out[key] = upgradeMetrics(out[key]);
  }
  if (out.loss !== undefined) out.loss = upgradeLoss(out.loss);
  return out;
}

/** tf.keras's MeanMetricWrapper configs → the metric strings they were compiled from. */
function upgradeMetrics(metrics: unknown): unknown {
  if (Array.isArray(metrics)) return metrics.map(upgradeMetrics);
  if (isObject(metrics) && metrics.class_name === "MeanMetricWrapper" && isObject(metrics.config)) {
    const { name, fn } = metrics.config;
    if (
      typeof name === "string" &&
      (KERAS2_METRIC_STRINGS.has(name) || metricNames.includes(name))
    ) {
      return name;
    }
    if (typeof fn === "string") return fn;
    return metrics;
  }
  if (isObject(metrics) && !("class_name" in metrics)) {
    return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, upgradeMetrics(v)]));
  }
  return metrics;
}

/** The strings compile resolves from the output's shapes ("accuracy" …), as tf.keras named them. */
const KERAS2_METRIC_STRINGS = new Set(["accuracy", "acc", "crossentropy", "ce"]);

/**
 * A Loss config as tf.keras wrote it → Keras 3's: `reduction: "auto"` becomes Keras 3's default,
 * and the `fn` that tf.keras 2.13+ recorded for its built-in loss classes goes (the class is the
 * function).
 */
function upgradeLoss(loss: unknown): unknown {
  if (Array.isArray(loss)) return loss.map(upgradeLoss);
  if (!isObject(loss)) return loss;
  if ("class_name" in loss) {
    if (!isObject(loss.config) || loss.class_name === "LossFunctionWrapper") return loss;
    const config: Json = { ...loss.config };
    if (config.reduction === "auto") config.reduction = "sum_over_batch_size";
    if (typeof config.fn === "string") delete config.fn;
    return { ...loss, config };
  }
  return Object.fromEntries(Object.entries(loss).map(([k, v]) => [k, upgradeLoss(v)]));
}
