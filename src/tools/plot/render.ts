/**
 * DOT text to pictures: Graphviz (compiled to WebAssembly, @viz-js/viz) lays the graph out as
 * SVG, and resvg rasterizes that SVG to PNG. Graphviz already scales the SVG by dpi / 72 (its
 * viewBox is in pixels at the requested dpi), so the PNG is drawn one pixel per viewBox unit, as
 * Graphviz's own PNG output would be. Both load on first use, not with the library.
 */
import type { Viz } from "@viz-js/viz";
import { StrataError } from "../../errors.js";
import type { PlotFont } from "./fonts.js";

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

/** The width and height of the SVG's viewBox. */
function viewBoxSize(svg: string): [number, number] {
  const m = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!m) throw new StrataError("svgToPng: the SVG has no viewBox to size the image from");
  return [Number(m[1]), Number(m[2])];
}

/** Rasterizes Graphviz's SVG to PNG bytes, one pixel per viewBox unit, text in `font`. */
export async function svgToPng(svg: string, font: PlotFont): Promise<Buffer> {
  const [width] = viewBoxSize(svg);
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: Math.max(1, Math.round(width)) },
    font: {
      loadSystemFonts: font.files.length === 0,
      fontFiles: font.files,
      defaultFontFamily: font.family,
      sansSerifFamily: font.family,
    },
    background: "white",
  });
  return resvg.render().asPng();
}
