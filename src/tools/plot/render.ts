/**
 * DOT text to pictures: Graphviz (compiled to WebAssembly, @viz-js/viz) lays the graph out as
 * SVG (../render/svg-to-png.ts rasterizes it: Graphviz already scales the SVG by dpi / 72, so the
 * PNG is drawn one pixel per viewBox unit). Graphviz loads on first use, not with the library.
 */
import type { Viz } from "@viz-js/viz";
import { StrataError } from "../../errors.js";

let viz: Promise<Viz> | null = null;

/** Graphviz itself failed inside its WebAssembly (its orthogonal edge router does on some graphs). */
export class GraphvizCrash extends StrataError {}

/** Lays out `dot` with Graphviz's dot engine and returns the SVG text. */
export async function dotToSvg(dot: string): Promise<string> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  let result;
  try {
    result = (await viz).render(dot, { format: "svg", engine: "dot" });
  } catch (error) {
    // A trap leaves the WebAssembly memory in an unknown state: the next layout starts afresh.
    viz = null;
    throw new GraphvizCrash(`Graphviz failed while laying out the model graph: ${String(error)}`);
  }
  if (result.status !== "success") {
    const errors = result.errors.filter((e) => e.level !== "warning").map((e) => e.message);
    throw new StrataError(`Graphviz could not lay out the model graph: ${errors.join("; ")}`);
  }
  return result.output;
}
