import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { expandDims, squeeze } from "../ops/movement.js";
import { Input, InputLayer } from "../layers/core/input.js";
import type { CallOptions, Layer, Node, SymbolicTensor } from "../layers/layer.js";
import type { ShapeSpec } from "../layers/shape-spec.js";

/**
 * The graph of a functional model: the layer calls between its inputs and outputs, in an order
 * where every node comes after the nodes that feed it.
 */
export class Graph {
  readonly nodes: Node[];
  readonly layers: Layer[];
  /**
   * For each value (symbolic tensor id) the index in `nodes` of the last node that reads it; the
   * model's outputs are absent (never dropped). `run` drops a value once that node has read it,
   * so an inference pass holds only the values still to be read, not every activation at once
   * (ResNet50 at batch 32: about 8 GB of activations otherwise), as Keras frees its tensors.
   */
  readonly lastReader: ReadonlyMap<number, number>;

  constructor(
    readonly inputs: readonly SymbolicTensor[],
    readonly outputs: readonly SymbolicTensor[],
    where: string,
    /**
     * Whether the inputs may be any symbolic tensors (Keras's `Function`): a free KerasTensor or
     * one a layer made, whose value is then given and whose producer is left out. A model's
     * inputs must come from Input().
     */
    opts: { anyInputs?: boolean } = {},
  ) {
    const anyInputs = opts.anyInputs ?? false;
    for (const t of inputs) {
      if (!anyInputs && !(t.node?.layer instanceof InputLayer)) {
        throw new ValueError(`${where}: every input must come from Input(); ${t.name} does not`);
      }
    }
    const inputIds = new Set(inputs.map((t) => t.id));
    const order: Node[] = [];
    const state = new Map<Node, "visiting" | "done">();
    const visit = (t: SymbolicTensor): void => {
      if (anyInputs && inputIds.has(t.id)) return;
      const node = t.node;
      if (!node) throw new ValueError(`${where}: ${t.name} was not produced by a layer`);
      if (state.get(node) === "done") return;
      if (node.layer instanceof InputLayer && !inputIds.has(t.id)) {
        throw new ValueError(
          `${where}: graph disconnected: output depends on input "${node.layer.name}", which is not among the model's inputs`,
        );
      }
      state.set(node, "visiting");
      for (const i of node.inputs) visit(i);
      state.set(node, "done");
      order.push(node);
    };
    for (const t of outputs) visit(t);
    for (const t of inputs) {
      const node = t.node;
      if (node?.layer instanceof InputLayer && !state.has(node)) order.unshift(node);
    }
    this.nodes = order;
    this.layers = kerasGraphOrder(inputs, outputs).layers;
    const last = new Map<number, number>();
    order.forEach((node, k) => {
      for (const t of node.inputs) last.set(t.id, k);
    });
    for (const t of outputs) last.delete(t.id);
    this.lastReader = last;
  }

  /** Runs the graph on concrete tensors, one eager layer call per node. */
  run(values: readonly Tensor[], opts: CallOptions): Tensor[] {
    const env = new Map<number, Tensor>();
    this.inputs.forEach((t, i) => env.set(t.id, adjustRank(values[i]!, t.shape)));
    for (let k = 0; k < this.nodes.length; k++) {
      const node = this.nodes[k]!;
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((t) => env.get(t.id)!);
      for (const t of node.inputs) if (this.lastReader.get(t.id) === k) env.delete(t.id);
      const training = node.callOptions.training ?? opts.training;
      const callOpts = { ...node.callOptions, training };
      const out = node.layer.applyNode(node.inputIsList ? args : args[0]!, callOpts) as
        Tensor | Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((t, i) => env.set(t.id, outs[i]!));
    }
    return this.outputs.map((t) => env.get(t.id)!);
  }

  outputShapes(): ShapeSpec[] {
    return this.outputs.map((t) => t.shape);
  }
}

/**
 * Keras 3's `_adjust_input_rank`: a value one axis short of its Input, whose last axis is 1,
 * gains that axis (`{age: [63, 41]}` for `Input({shape: [1]})`); one with an extra last axis of 1
 * loses it. Other ranks pass unchanged, for the layers to check.
 */
function adjustRank(x: Tensor, ref: ShapeSpec): Tensor {
  if (x.rank === ref.length - 1 && ref[ref.length - 1] === 1) return expandDims(x, -1);
  if (x.rank === ref.length + 1 && x.shape[x.rank - 1] === 1) return squeeze(x, -1);
  return x;
}

/**
 * Keras 3's `clone_graph_nodes`: a model may be declared from intermediate tensors (the
 * structured-data tutorial's `Model({ inputs: featureSpace.getEncodedFeatures(), outputs })`).
 * Each input that is not an Input's becomes a fresh Input of its shape and dtype, named as Keras
 * names it (`<tensor name>CLONE`), and the layer calls between the inputs and the outputs are
 * applied again from there: the same layers (so the same weights) on new nodes.
 */
export function withInputLayers(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  if (inputs.every((t) => t.node?.layer instanceof InputLayer)) {
    return { inputs: [...inputs], outputs: [...outputs] };
  }
  const mapped = new Map<number, SymbolicTensor>();
  const newInputs = inputs.map((t) => {
    const input =
      t.node?.layer instanceof InputLayer
        ? t
        : Input({ batchShape: t.shape, dtype: t.dtype, name: `${t.name}CLONE` });
    mapped.set(t.id, input);
    return input;
  });
  const rebuild = (t: SymbolicTensor): SymbolicTensor => {
    const known = mapped.get(t.id);
    if (known) return known;
    const node = t.node;
    // Another Input (or no layer): left as it is, for Graph to report the disconnection.
    if (!node || node.layer instanceof InputLayer) return t;
    const args = node.inputs.map(rebuild);
    const out = node.layer.applyNode(node.inputIsList ? args : args[0]!, node.callOptions) as
      SymbolicTensor | SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputs.forEach((o, i) => mapped.set(o.id, outs[i]!));
    return mapped.get(t.id)!;
  };
  return { inputs: newInputs, outputs: outputs.map(rebuild) };
}

/**
 * Keras's `map_graph`: the nodes between inputs and outputs, and the layers ordered as Keras
 * lists them — by depth from the outputs (deepest, i.e. nearest the inputs, first), ties by
 * the order a depth-first walk from the outputs first meets them.
 */
export function kerasGraphOrder(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
) {
  const finished = new Set<Node>();
  const inProgress = new Set<Node>();
  const ordered: Node[] = [];
  const firstSeen = new Map<Layer, number>();
  const visit = (t: SymbolicTensor): void => {
    const node = t.node;
    if (!node || finished.has(node)) return;
    if (inProgress.has(node)) {
      throw new ValueError(`Tensor ${t.name} from layer "${node.layer.name}" is part of a cycle`);
    }
    if (!firstSeen.has(node.layer)) firstSeen.set(node.layer, firstSeen.size);
    inProgress.add(node);
    if (node.inputs.length > 0 && !inputs.includes(t)) for (const x of node.inputs) visit(x);
    finished.add(node);
    inProgress.delete(node);
    ordered.push(node);
  };
  for (const t of outputs) visit(t);
  // A node's depth is one more than the deepest node it feeds; a shared layer takes its deepest.
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...ordered].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const x of node.inputs) {
      if (x.node) nodeDepth.set(x.node, Math.max(depth + 1, nodeDepth.get(x.node) ?? 0));
    }
  }
  const nodes = new Set(ordered);
  for (const t of inputs) {
    // A free KerasTensor given to a Function has no layer.
    if (!t.node) continue;
    const layer = t.node.layer;
    if (!layerDepth.has(layer)) {
      layerDepth.set(layer, 0);
      firstSeen.set(layer, -1);
      nodes.add(t.node!);
    }
  }
  const layers = [...layerDepth.keys()].sort(
    (a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstSeen.get(a)! - firstSeen.get(b)!,
  );
  const names = layers.map((l) => l.name);
  for (const name of new Set(names)) {
    const n = names.filter((x) => x === name).length;
    if (n > 1) {
      throw new ValueError(
        `The name "${name}" is used ${n} times in the model. All layer names should be unique.`,
      );
    }
  }
  return { layers, nodes };
}
