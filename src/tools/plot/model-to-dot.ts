/**
 * Keras's `model_to_dot`: a model as a Graphviz graph, one box per layer and one edge per
 * connection. Sequential models chain their layers; functional models follow each layer call of
 * the model's graph, so branches, merges (several edges in), shared layers (one box, edges from
 * each call) and multi-input / multi-output models are drawn as they are wired. A nested model is
 * one box, or with `expandNested` a dashed cluster of its own layers, edges reaching inside it.
 * A subclassed model, having no graph, is a single box.
 */
import { ValueError } from "../../errors.js";
import type { Layer } from "../../layers/layer.js";
import { kerasGraphOrder } from "../../models/graph.js";
import { Model } from "../../models/model.js";
import { Sequential } from "../../models/sequential.js";
import { DotGraph, HtmlLabel } from "./dot-graph.js";
import { layerLabel } from "./layer-label.js";
import {
  DOT_OPTION_NAMES,
  type DotOptions,
  type ModelToDotOptions,
  resolveDotOptions,
} from "./options.js";

/** The font Keras names in its labels; the renderer swaps in the one it draws with. */
export const KERAS_FONT = "Helvetica";

/** A model whose layers form a graph: functional, or a Sequential whose input shape is known. */
function isGraphModel(layer: Layer): layer is Model {
  return layer instanceof Model && layer.isFunctional;
}

/** Builds one DOT document; node ids stay unique across the clusters of nested models. */
class DotBuilder {
  private readonly ids = new Map<Layer, string>();
  private readonly usedIds = new Set<string>();
  private readonly edges = new Set<string>();

  constructor(
    private readonly opts: DotOptions,
    private readonly fontname: string,
  ) {}

  /** The layer's node id: its name, numbered when another layer (in a nested model) has it. */
  private idOf(layer: Layer): string {
    const known = this.ids.get(layer);
    if (known !== undefined) return known;
    const base = layer.name.replace(/[\\"]/g, "_");
    let id = base;
    for (let k = 1; this.usedIds.has(id); k++) id = `${base}_${k}`;
    this.ids.set(layer, id);
    this.usedIds.add(id);
    return id;
  }

  private addNode(dot: DotGraph, layer: Layer): void {
    dot.addNode(this.idOf(layer), [
      ["label", new HtmlLabel(layerLabel(layer, this.opts))],
      ["fontname", this.fontname],
      ["border", 0],
      ["margin", 0],
    ]);
  }

  /** Keras's `add_edge`: one edge per pair of boxes, however many tensors pass between them. */
  private addEdge(dot: DotGraph, from: Layer, to: Layer): void {
    const [a, b] = [this.idOf(from), this.idOf(to)];
    const key = `${a}\u0000${b}`;
    if (this.edges.has(key)) return;
    this.edges.add(key);
    dot.addEdge(a, b, [["penwidth", 2]]);
  }

  /** The document for `model`, or with `cluster` the dashed cluster drawn inside its parent. */
  build(model: Model, cluster: boolean): DotGraph {
    if (!model.built) {
      throw new ValueError(
        `${model.where()}: this model has not yet been built, so it has no graph to draw. ` +
          `Build it first by calling build(), by calling it on a batch of data, or by giving it an Input().`,
      );
    }
    const o = this.opts;
    const dot = cluster
      ? new DotGraph(`cluster_${model.name}`, [
          ["style", "dashed"],
          ["label", model.name],
          ["labeljust", "l"],
          // Keras leaves Graphviz's default (Times) here; the boxes' font keeps the label's
          // size right where the renderer has only that font.
          ["fontname", this.fontname],
        ])
      : new DotGraph(
          "G",
          [
            ["rankdir", o.rankdir],
            ["concentrate", true],
            ["dpi", o.dpi],
            ["splines", o.splines],
          ],
          [["shape", "record"]],
        );
    if (!isGraphModel(model)) {
      // A subclassed model has no graph to follow: Keras draws it as one box.
      this.addNode(dot, model);
      return dot;
    }
    const layers = model.operations;
    for (const layer of layers) {
      if (o.expandNested && isGraphModel(layer)) dot.addSubgraph(this.build(layer, true));
      else this.addNode(dot, layer);
    }
    if (model instanceof Sequential && !o.expandNested) {
      for (let i = 0; i + 1 < layers.length; i++) this.addEdge(dot, layers[i]!, layers[i + 1]!);
      return dot;
    }
    // A Sequential's first layer is fed by its InputLayer, which is not drawn.
    const fed = model instanceof Sequential ? layers.slice(1) : layers;
    const ownNodes = kerasGraphOrder(model.inputs, model.outputs).nodes;
    for (const layer of fed) {
      for (const node of layer.inboundNodes) {
        // A shared layer's calls from other models are not part of this graph.
        if (!ownNodes.has(node)) continue;
        node.inputs.forEach((tensor, inputIndex) => {
          let source = tensor.node!.layer;
          let outputIndex = tensor.index;
          let destination: Layer = layer;
          if (o.expandNested) {
            // Into the box that makes this output, however deep it sits in nested models …
            while (isGraphModel(source)) {
              const out = source.outputs[outputIndex]!;
              source = out.node!.layer;
              outputIndex = out.index;
            }
            // … and out to the box that takes this input: a functional model's InputLayer, a
            // Sequential's first layer.
            while (isGraphModel(destination)) {
              destination =
                destination instanceof Sequential
                  ? destination.layers[0]!
                  : destination.inputs[inputIndex]!.node!.layer;
            }
          }
          this.addEdge(dot, source, destination);
        });
      }
    }
    return dot;
  }
}

/** The DOT document of `model` with every option decided, labels naming `fontname`. */
export function buildModelDot(model: Model, opts: DotOptions, fontname = KERAS_FONT): string {
  return new DotBuilder(opts, fontname).build(model, false).toString();
}

/**
 * Keras's `keras.utils.model_to_dot`: the model's graph as DOT text, the Graphviz language, to
 * render with any Graphviz (`dot -Tpng`). Keras returns a pydot `Dot` object; Strata returns
 * its text. Options as plotModel's, except that layer names are shown unless
 * `showLayerNames: false` (Keras's default here).
 */
export function modelToDot(model: Model, opts: ModelToDotOptions = {}): string {
  return buildModelDot(model, resolveDotOptions("modelToDot", opts, DOT_OPTION_NAMES, true));
}
