/**
 * The box drawn for one layer: Keras's `make_layer_label`, a Graphviz HTML-like table with a black
 * title row ("name (Class)", or the class alone), an optional activation row, and one row of
 * cells for the input and output shapes, the output dtype and whether the layer is trainable.
 */
import { activation as getActivation, activationNames } from "../../ops/activations.js";
import type { Layer, SymbolicTensor } from "../../layers/layer.js";
import { InputLayer } from "../../layers/core/input.js";
import { fmtSpec } from "../../layers/shape-spec.js";
import { Model } from "../../models/model.js";

/** What the label shows; each is one of plotModel's options. */
export interface LabelOptions {
  showShapes: boolean;
  showDtype: boolean;
  showLayerNames: boolean;
  showLayerActivations: boolean;
  showTrainable: boolean;
}

/** Text for an HTML-like label: the characters Graphviz's XML parser would misread, escaped. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The class name Keras shows: a model built from inputs and outputs is a "Functional". */
export function layerClassName(layer: Layer): string {
  if (layer.constructor === Model && (layer as Model).isFunctional) return "Functional";
  return layer.className;
}

/** Keras's `get_layer_activation_name`: the activation's registered name, else its own name. */
function activationNameOf(fn: (x: never) => unknown): string {
  return activationNames.find((n) => getActivation(n) === fn) ?? (fn.name || "function");
}

/** The layer's activation function, for layers that have one (Dense, Conv2D, Activation …). */
function activationOf(layer: Layer): ((x: never) => unknown) | null {
  const value = (layer as unknown as { activation?: unknown }).activation;
  return typeof value === "function" ? (value as (x: never) => unknown) : null;
}

/**
 * The tensors of the layer's first call (Keras's `layer.input` / `layer.output`), or null where
 * the layer has none (a subclassed model that was never called on symbolic inputs).
 */
function firstCallTensors(layer: Layer, which: "input" | "output"): SymbolicTensor[] | null {
  try {
    const value = which === "input" ? layer.input : layer.output;
    return Array.isArray(value) ? value : [value];
  } catch {
    return null;
  }
}

/** Python's repr of the structure Keras formats: "(None, 3)", or "[(None, 3), (None, 4)]". */
function listText(tensors: SymbolicTensor[], one: (t: SymbolicTensor) => string): string {
  return tensors.length === 1 ? one(tensors[0]!) : `[${tensors.map(one).join(", ")}]`;
}

function shapeText(tensors: SymbolicTensor[] | null): string {
  return tensors ? listText(tensors, (t) => fmtSpec(t.shape)) : "?";
}

function dtypeText(tensors: SymbolicTensor[] | null): string {
  if (!tensors) return "?";
  return tensors.length === 1
    ? tensors[0]!.dtype
    : `[${tensors.map((t) => `'${t.dtype}'`).join(", ")}]`;
}

function whiteCell(caption: string, value: string): string {
  return `<td bgcolor="white"><font point-size="14">${caption}: <b>${escapeHtml(value)}</b></font></td>`;
}

/** The HTML-like label (with its outer `<…>`, as the DOT `label` attribute takes it). */
export function layerLabel(layer: Layer, opts: LabelOptions): string {
  const className = escapeHtml(layerClassName(layer));
  // Keras sizes the title across every column the options may add, present or not.
  const colspan = Math.max(
    1,
    Number(opts.showDtype) + Number(opts.showTrainable) + (opts.showShapes ? 2 : 0),
  );
  const title = opts.showLayerNames
    ? `<b>${escapeHtml(layer.name)}</b> (${className})`
    : `<b>${className}</b>`;
  let table =
    '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">' +
    `<tr><td colspan="${colspan}" bgcolor="black">` +
    `<font point-size="16" color="white">${title}</font></td></tr>`;
  const fn = opts.showLayerActivations ? activationOf(layer) : null;
  if (fn) {
    table +=
      `<tr><td bgcolor="white" colspan="${colspan}"><font point-size="14">` +
      `Activation: <b>${escapeHtml(activationNameOf(fn))}</b></font></td></tr>`;
  }
  const cells: string[] = [];
  if (opts.showShapes) {
    if (!(layer instanceof InputLayer)) {
      cells.push(whiteCell("Input shape", shapeText(firstCallTensors(layer, "input"))));
    }
    cells.push(whiteCell("Output shape", shapeText(firstCallTensors(layer, "output"))));
  }
  if (opts.showDtype) {
    cells.push(whiteCell("Output dtype", dtypeText(firstCallTensors(layer, "output"))));
  }
  if (opts.showTrainable && layer.weights.length > 0) {
    cells.push(
      layer.trainable
        ? '<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b></font></td>'
        : '<td bgcolor="firebrick"><font point-size="14" color="white"><b>Non-trainable</b></font></td>',
    );
  }
  if (cells.length > 0) table += `<tr>${cells.join("")}</tr>`;
  return `${table}</table>>`;
}
