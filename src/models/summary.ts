import { BYTES_PER_ELEMENT, type NumericDType } from "../tensor/dtype.js";
import { InputLayer } from "../layers/core/input.js";
import type { Layer } from "../layers/layer.js";
import { type ShapeSpec, fmtSpec } from "../layers/shape-spec.js";

/** Keras's byte sizes: "1.55 MB", "407.04 KB", "0.00 B". */
function readableSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes.toFixed(2)} ${units[i]}`;
}

function bytesOf(weights: Layer["weights"]): number {
  return weights.reduce((n, w) => n + w.value.size * BYTES_PER_ELEMENT[w.dtype as NumericDType], 0);
}

function countOf(weights: Layer["weights"]): number {
  return weights.reduce((n, w) => n + w.value.size, 0);
}

/** The output shape of the layer's latest call (the one that wired it into this model). */
function shapeText(layer: Layer): string {
  const node = layer.inboundNodes.at(-1);
  if (!node) return "?";
  const shapes: ShapeSpec[] = node.outputs.map((t) => t.shape);
  return shapes.length === 1 ? fmtSpec(shapes[0]!) : `[${shapes.map(fmtSpec).join(", ")}]`;
}

/** A box-drawn table in the style Keras 3 prints. */
function table(
  header: string[],
  rows: string[][],
  widths: number[],
  rightAligned: boolean[],
): string[] {
  const cell = (text: string, i: number): string => {
    const w = widths[i]!;
    const t = text.length > w ? text.slice(0, w - 1) + "…" : text;
    return " " + (rightAligned[i] ? t.padStart(w) : t.padEnd(w)) + " ";
  };
  const rule = (l: string, m: string, r: string, fill: string) =>
    l + widths.map((w) => fill.repeat(w + 2)).join(m) + r;
  const lines = [
    rule("┏", "┳", "┓", "━"),
    "┃" + header.map(cell).join("┃") + "┃",
    rule("┡", "╇", "┩", "━"),
  ];
  rows.forEach((row, k) => {
    lines.push("│" + row.map(cell).join("│") + "│");
    if (k < rows.length - 1) lines.push(rule("├", "┼", "┤", "─"));
  });
  lines.push(rule("└", "┴", "┘", "─"));
  return lines;
}

/** What the summary reads of a model (Model has it; this module sits below model.ts). */
export type SummarizedModel = Layer & {
  readonly isFunctional: boolean;
  /** The graph's nodes, op nodes included: Keras's summary lists those of a functional model. */
  readonly operations: Layer[];
};

/**
 * Keras's `model.summary()`: one row per layer with its output shape and parameter count, a
 * "Connected to" column for branching functional models, then the parameter totals.
 */
export function summaryLines(model: SummarizedModel, lineLength?: number): string[] {
  const layers = model.operations.filter((l) => model.isFunctional || !(l instanceof InputLayer));
  const branching =
    model.isFunctional && layers.some((l) => l.inboundNodes.some((n) => n.inputs.length > 1));
  const header = branching
    ? ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    : ["Layer (type)", "Output Shape", "Param #"];
  const length = lineLength ?? (branching ? 108 : 88);
  const positions = branching ? [0.3, 0.56, 0.74, 1.0] : [0.45, 0.8, 1.0];
  const widths: number[] = [];
  let used = 0;
  for (const p of positions) {
    const edge = Math.floor(p * length);
    widths.push(edge - used - 3);
    used = edge;
  }
  const rows = layers.map((l) => {
    const row = [
      `${l.name} (${l.className})`,
      model.built ? shapeText(l) : "?",
      l.built ? countOf(l.weights).toLocaleString("en-US") : "0 (unbuilt)",
    ];
    if (branching) {
      const sources = (l.inboundNodes.at(-1)?.inputs ?? []).map(
        (t) => `${t.node!.layer.name}[${t.node!.layer.inboundNodes.indexOf(t.node!)}][${t.index}]`,
      );
      row.push(sources.length ? sources.join(", ") : "-");
    }
    return row;
  });
  const trainable = model.trainableWeights;
  const nonTrainable = model.nonTrainableWeights;
  const all = [...trainable, ...nonTrainable];
  return [
    `Model: "${model.name}"`,
    ...table(
      header,
      rows,
      widths,
      header.map((h) => h === "Param #"),
    ),
    ` Total params: ${countOf(all).toLocaleString("en-US")} (${readableSize(bytesOf(all))})`,
    ` Trainable params: ${countOf(trainable).toLocaleString("en-US")} (${readableSize(bytesOf(trainable))})`,
    ` Non-trainable params: ${countOf(nonTrainable).toLocaleString("en-US")} (${readableSize(bytesOf(nonTrainable))})`,
  ];
}
