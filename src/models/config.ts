import { ValueError } from "../errors.js";
import { Layer, type Node, SymbolicTensor } from "../layers/layer.js";
import { withoutOptionCheck } from "../layers/option-check.js";
import {
  type CustomObjects,
  deserializeLayer,
  kerasClassName,
  serializeLayer,
} from "../layers/registry.js";
import { camelToSnake, snakeToCamel } from "../nn/serialization.js";
import { SymbolicOp } from "../layers/symbolic/symbolic-op.js";
import { kerasGraphOrder } from "./graph.js";
import { legacyNodeData } from "./legacy-node.js";

/**
 * Keras 3's functional-model config (`Functional.get_config` / `functional_from_config`):
 * every layer with the calls (`inbound_nodes`) that wire it, each call's tensors named by
 * `keras_history = [layer name, node index, tensor index]`.
 */

export type Structure =
  SymbolicTensor | readonly SymbolicTensor[] | Readonly<Record<string, SymbolicTensor>>;
type Triple = [string, number, number];
type KerasTensorConfig = {
  class_name: "__keras_tensor__";
  config: { shape: (number | null)[]; dtype: string; keras_history: Triple };
};

/** Keras layers whose `call` has a `mask` argument: Keras passes `mask=None` explicitly. */
const MASK_ARG = new Set(
  (
    "BatchNormalization GlobalAveragePooling1D SimpleRNN LSTM GRU RNN Bidirectional " +
    "TimeDistributed Lambda Attention AdditiveAttention Softmax Functional Sequential"
  ).split(" "),
);
/** Keras layers whose `call` defaults `training=False`: Keras records that default in the node. */
const TRAINING_DEFAULT_FALSE = new Set(
  (
    "Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise " +
    "GaussianDropout AlphaDropout Attention AdditiveAttention"
  ).split(" "),
);
/** Recurrent layers take extra inputs as `initial_state=[…]` in Keras, a list in ours. */
const RECURRENT = new Set(["SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional"]);
/** Call options Keras records only when given: ours keep them at their default `false`. */
const FALSE_BY_DEFAULT = new Set(["useCausalMask", "returnAttentionScores"]);

export function mapStructure<T>(
  s: Structure,
  fn: (t: SymbolicTensor) => T,
): T | T[] | Record<string, T> {
  if (s instanceof SymbolicTensor) return fn(s);
  if (Array.isArray(s)) return (s as SymbolicTensor[]).map(fn);
  return Object.fromEntries(
    Object.entries(s as Record<string, SymbolicTensor>).map(([k, t]) => [k, fn(t)]),
  );
}

function flatten(s: Structure): SymbolicTensor[] {
  if (s instanceof SymbolicTensor) return [s];
  return Array.isArray(s)
    ? [...(s as SymbolicTensor[])]
    : Object.values(s as Record<string, SymbolicTensor>);
}

/** Keras's `Functional` itself (not Sequential): its calls count from 1 in `input/output_layers`. */
function isFunctional(layer: Layer): boolean {
  return kerasClassName(layer) === "Functional";
}

/** `keras_history` of a tensor, counting only the producing layer's calls inside this model. */
function history(t: SymbolicTensor, nodes: Set<Node>): Triple {
  const node = t.node!;
  const calls = node.layer.inboundNodes;
  const index = calls.slice(0, calls.indexOf(node)).filter((n) => nodes.has(n)).length;
  return [node.layer.name, index, t.index];
}

function tensorConfig(t: SymbolicTensor, nodes: Set<Node>): KerasTensorConfig {
  return {
    class_name: "__keras_tensor__",
    config: { shape: [...t.shape], dtype: t.dtype, keras_history: history(t, nodes) },
  };
}

/** Keras's `serialize_node`: the call's positional args and keyword args. */
function serializeNode(
  node: Node,
  nodes: Set<Node>,
): { args: unknown[]; kwargs: Record<string, unknown> } {
  if (node.layer instanceof SymbolicOp)
    return node.layer.serializeCall((t) => tensorConfig(t, nodes));
  const cls = kerasClassName(node.layer);
  const refs = node.inputs.map((t) => tensorConfig(t, nodes));
  const kwargs: Record<string, unknown> = {};
  let args: unknown[];
  let tensorArgs = 1;
  if (cls === "MultiHeadAttention" && node.inputIsList) {
    // Keras's signature is call(query, value, key=None, …): the list is its positional args.
    args = refs;
    tensorArgs = refs.length;
  } else if (RECURRENT.has(cls) && node.inputIsList) {
    args = [refs[0]];
    kwargs.initial_state = refs.slice(1);
    tensorArgs = 2;
  } else {
    args = node.inputIsList ? [refs] : [refs[0]];
  }
  for (const [key, value] of Object.entries(node.callOptions)) {
    if (value === undefined || value === null) continue;
    if (value === false && FALSE_BY_DEFAULT.has(key)) continue;
    if (typeof value === "object" || typeof value === "function") continue; // tensors, callbacks
    kwargs[camelToSnake(key)] = value;
  }
  if (!("training" in kwargs) && TRAINING_DEFAULT_FALSE.has(cls)) kwargs.training = false;
  if (MASK_ARG.has(cls) && tensorArgs === 1) {
    kwargs.mask = node.inputIsList ? refs.map(() => null) : null;
  }
  return { args, kwargs };
}

/** A functional model's parts, as `Model` hands them over. */
export interface FunctionalParts {
  name: string;
  trainable: boolean;
  inputStructure: Structure;
  outputStructure: Structure;
}

/** Keras's `Functional.get_config()`. */
export function functionalConfig(model: FunctionalParts): Record<string, unknown> {
  const inputs = flatten(model.inputStructure);
  const outputs = flatten(model.outputStructure);
  const { layers, nodes } = kerasGraphOrder(inputs, outputs);
  const layerConfigs = layers.map((layer) => ({
    ...serializeLayer(layer),
    name: layer.name,
    inbound_nodes: layer.inboundNodes
      .filter((n) => nodes.has(n) && n.inputs.length > 0)
      .map((n) => serializeNode(n, nodes)),
  }));
  const ref = (t: SymbolicTensor): Triple => {
    const [name, index, tensor] = history(t, nodes);
    return [name, index + (isFunctional(t.node!.layer) ? 1 : 0), tensor];
  };
  return {
    name: model.name,
    trainable: model.trainable,
    layers: layerConfigs,
    input_layers: mapStructure(model.inputStructure, ref),
    output_layers: mapStructure(model.outputStructure, ref),
  };
}

// ------------------------------------------------------------ rebuilding

function isTriple(x: unknown): x is Triple {
  return Array.isArray(x) && x.length === 3 && typeof x[0] === "string";
}

function isKerasTensor(x: unknown): x is KerasTensorConfig {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as { class_name?: unknown }).class_name === "__keras_tensor__"
  );
}

/** Thrown while a call waits for a call of another layer that is not replayed yet. */
class NotYet extends Error {}

type Created = Map<string, Layer>;

function tensorAt(created: Created, history: unknown, where: string): SymbolicTensor {
  // A corrupt file's config may hold anything here.
  if (!isTriple(history)) {
    throw new ValueError(
      `${where}: expected a tensor as [layer name, node index, tensor index]; received ${JSON.stringify(history)}`,
    );
  }
  const [name, nodeIndex, tensorIndex] = history;
  const layer = created.get(name);
  if (!layer) throw new ValueError(`${where}: the config refers to an unknown layer "${name}"`);
  const node = layer.inboundNodes[nodeIndex];
  if (!node) throw new NotYet();
  const t = node.outputs[tensorIndex];
  if (!t) {
    throw new ValueError(
      `${where}: layer "${name}" call ${nodeIndex} has ${node.outputs.length} output(s); the config asks for output ${tensorIndex}`,
    );
  }
  return t;
}

function reviver(created: Created, where: string): (x: unknown) => unknown {
  const revive = (x: unknown): unknown => {
    if (isKerasTensor(x)) return tensorAt(created, x.config?.keras_history, where);
    if (Array.isArray(x)) return x.map(revive);
    return x;
  };
  return revive;
}

/** A node's data in Keras 3's `{args, kwargs}` form (Keras 2's node lists converted). */
function nodeData(
  data: unknown,
  where: string,
): { args?: unknown[]; kwargs?: Record<string, unknown> } {
  // Keras 2's format: [[layer, node, tensor, kwargs?], …], one entry per input tensor.
  return (Array.isArray(data) ? legacyNodeData(data, where) : data) as {
    args?: unknown[];
    kwargs?: Record<string, unknown>;
  };
}

/** An op node's call as Keras wrote it: its args and kwargs, with the tensors revived. */
function reviveCall(data: unknown, created: Created, where: string) {
  const revive = reviver(created, where);
  const d = nodeData(data, where);
  const kwargs = Object.fromEntries(Object.entries(d.kwargs ?? {}).map(([k, v]) => [k, revive(v)]));
  return { args: (d.args ?? []).map(revive), kwargs };
}

/** Keras's `deserialize_node` turned into our call: the inputs (one or a list) and the options. */
function deserializeNode(layer: Layer, data: unknown, created: Created, where: string) {
  const revive = reviver(created, where);
  const d = nodeData(data, where);
  const args = (d.args ?? []).map(revive);
  // `mask` is dropped: Keras passes the inputs' masks, ours travel with the tensors.
  const rest: Record<string, unknown> = { ...(d.kwargs ?? {}) };
  const { initial_state } = rest;
  delete rest.mask;
  delete rest.initial_state;
  let inputs: unknown = args.length === 1 ? args[0] : args;
  const cls = kerasClassName(layer);
  if (cls === "MultiHeadAttention") {
    // call(query, value, key=None, …): any of them may have been passed by keyword.
    const named = ["query", "value", "key"].map((k) => rest[k]).filter((x) => x != null);
    for (const k of ["query", "value", "key"]) delete rest[k];
    inputs = [...args, ...named.map(revive)];
  } else if (initial_state !== undefined && initial_state !== null) {
    const states = revive(initial_state);
    inputs = [inputs, ...(Array.isArray(states) ? states : [states])];
  }
  // Keras records `training=False` for layers whose signature defaults to it; it is no choice.
  if (rest.training === false && TRAINING_DEFAULT_FALSE.has(cls)) delete rest.training;
  const options = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [snakeToCamel(k), revive(v)]),
  );
  return { inputs, kwargs: options };
}

/** A recorded call must take tensors of the graph (a corrupt config may hold other values). */
function checkGraphInputs(inputs: unknown, layer: Layer, where: string): void {
  const leaves = (x: unknown): unknown[] => (Array.isArray(x) ? x.flatMap(leaves) : [x]);
  const bad = leaves(inputs).find((x) => !(x instanceof SymbolicTensor));
  if (bad !== undefined || leaves(inputs).length === 0) {
    throw new ValueError(
      `${where}: a call of layer "${layer.name}" must take tensors of the graph; ` +
        `received ${bad === undefined ? "none" : String(JSON.stringify(bad)).slice(0, 120)}`,
    );
  }
}

function reviveStructure(s: unknown, created: Created, where: string): Structure {
  const one = (x: unknown): SymbolicTensor => {
    if (!isTriple(x)) {
      const got = JSON.stringify(x);
      throw new ValueError(
        `${where}: expected [layer name, node index, tensor index]; received ${got}`,
      );
    }
    const layer = created.get(x[0]);
    // Keras counts a nested Functional model's calls from 1 here.
    const offset = layer && isFunctional(layer) ? 1 : 0;
    try {
      return tensorAt(created, [x[0], x[1] - offset, x[2]], where);
    } catch (e) {
      throw e instanceof NotYet
        ? new ValueError(`${where}: layer "${x[0]}" has no call ${x[1]}`)
        : e;
    }
  };
  if (isTriple(s)) return one(s);
  if (Array.isArray(s)) return s.map(one);
  if (typeof s === "object" && s !== null) {
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, one(v)]));
  }
  throw new ValueError(
    `${where}: expected input/output layers as a list or an object; received ${JSON.stringify(s)}`,
  );
}

/**
 * Makes the layer of one entry of a config's `layers` list (`name` is the entry's layer name):
 * deserialization by default; `models.cloneModel` passes its clone function.
 */
export type LayerMaker = (serialized: Record<string, unknown>, name: string | undefined) => Layer;

/**
 * Keras's `functional_from_config`: creates every layer, then replays the recorded calls in
 * config order; a call whose inputs come from a call not replayed yet (a layer shared at
 * several depths) waits for the next pass.
 */
export function functionalFromConfig(
  config: Record<string, unknown>,
  customObjects: CustomObjects,
  where: string,
  makeLayer: LayerMaker = (serialized) => deserializeLayer(serialized, customObjects),
): {
  inputs: Structure;
  outputs: Structure;
  name: string | undefined;
  trainable: boolean | undefined;
} {
  const layerData = config.layers;
  if (!Array.isArray(layerData)) {
    const got = JSON.stringify(layerData);
    throw new ValueError(`${where}: config.layers must be a list; received ${got}`);
  }
  const created: Created = new Map();
  const pending = new Map<Layer, unknown[]>();
  const order: Layer[] = [];
  for (const data of layerData as Record<string, unknown>[]) {
    const { name, inbound_nodes, ...serialized } = data;
    const layer = makeLayer(serialized, typeof name === "string" ? name : undefined);
    const layerName = typeof name === "string" ? name : layer.name;
    created.set(layerName, layer);
    order.push(layer);
    if (Array.isArray(inbound_nodes) && inbound_nodes.length > 0) {
      pending.set(layer, [...inbound_nodes]);
    }
  }
  while (pending.size > 0) {
    let progressed = false;
    for (const layer of order) {
      const queue = pending.get(layer);
      if (!queue) continue;
      while (queue.length > 0) {
        let replay: () => unknown;
        try {
          if (layer instanceof SymbolicOp) {
            const { args, kwargs } = reviveCall(queue[0], created, where);
            replay = () => layer.applyKerasCall(args, kwargs);
          } else {
            const call = deserializeNode(layer, queue[0], created, where);
            checkGraphInputs(call.inputs, layer, where);
            replay = () => layer.applyNode(call.inputs as SymbolicTensor, call.kwargs);
          }
        } catch (e) {
          if (e instanceof NotYet) break;
          throw e;
        }
        // Keras files may record call arguments Strata's layers do not take: not checked.
        withoutOptionCheck(replay);
        queue.shift();
        progressed = true;
      }
      if (queue.length === 0) pending.delete(layer);
    }
    if (!progressed) {
      throw new ValueError(
        `${where}: cannot replay the calls of ${[...pending.keys()].map((l) => `"${l.name}"`).join(", ")}: ` +
          `their inputs come from calls that the config never makes`,
      );
    }
  }
  return {
    inputs: reviveStructure(config.input_layers, created, where),
    outputs: reviveStructure(config.output_layers, created, where),
    name: typeof config.name === "string" ? config.name : undefined,
    trainable: typeof config.trainable === "boolean" ? config.trainable : undefined,
  };
}
