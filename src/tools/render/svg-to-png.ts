/**
 * SVG to PNG for every picture the tools draw (model plots, training curves): resvg, loaded on
 * first use rather than with the library, drawing text in the plot font (fonts.ts) on white.
 */
import { StrataError } from "../../errors.js";
import { plotFont } from "./fonts.js";

/** The width and height of the SVG's viewBox. */
function viewBoxSize(svg: string): [number, number] {
  const m = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!m) throw new StrataError("svgToPng: the SVG has no viewBox to size the image from");
  return [Number(m[1]), Number(m[2])];
}

/**
 * PNG bytes of `svg`, `scale` pixels per viewBox unit (1: one pixel per unit, as Graphviz's own
 * PNG output at the dpi its SVG was laid out for).
 */
export async function svgToPng(svg: string, scale = 1): Promise<Buffer> {
  const [width] = viewBoxSize(svg);
  const font = plotFont();
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: Math.max(1, Math.round(width * scale)) },
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
