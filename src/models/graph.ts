import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { InputLayer } from "../layers/core/input.js";
import type { CallOptions, Layer } from "../layers/layer.js";
import type { Node, ShapeSpec, SymbolicTensor } from "../layers/symbolic.js";

/**
 * The graph of a functional model: the layer calls between its inputs and outputs, in an order
 * where every node comes after the nodes that feed it.
 */
export class Graph {
  readonly nodes: Node[];
  readonly layers: Layer[];

  constructor(
    readonly inputs: readonly SymbolicTensor[],
    readonly outputs: readonly SymbolicTensor[],
    where: string,
  ) {
    for (const t of inputs) {
      if (!(t.node?.layer instanceof InputLayer)) {
        throw new ValueError(`${where}: every input must come from Input(); ${t.name} does not`);
      }
    }
    const inputIds = new Set(inputs.map((t) => t.id));
    const order: Node[] = [];
    const state = new Map<Node, "visiting" | "done">();
    const visit = (t: SymbolicTensor): void => {
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
    for (const t of inputs) if (!state.has(t.node!)) order.unshift(t.node!);
    this.nodes = order;
    this.layers = [...new Set(order.map((n) => n.layer))];
  }

  /** Runs the graph on concrete tensors, one eager layer call per node. */
  run(values: readonly Tensor[], opts: CallOptions): Tensor[] {
    const env = new Map<number, Tensor>();
    this.inputs.forEach((t, i) => env.set(t.id, values[i]!));
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((t) => env.get(t.id)!);
      const training = node.callOptions.training ?? opts.training;
      const callOpts = { ...node.callOptions, training };
      const out = node.layer.apply(node.inputIsList ? args : args[0]!, callOpts) as
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
