/**
 * Rendering of Strata's plots: a Vega-Lite specification compiled to Vega and drawn headless to
 * SVG (no browser, no canvas), and SVG rasterized to PNG by resvg with the DejaVu fonts the
 * system provides (when they are missing, resvg falls back to the system's other fonts).
 */
import { existsSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { PLOT_FONT } from "./history-spec.js";

const DEJAVU_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"];
const DEJAVU_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];

/** The SVG markup of a Vega-Lite specification. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const vg = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function fontFiles(): string[] {
  for (const dir of DEJAVU_DIRS) {
    const files = DEJAVU_FILES.map((f) => `${dir}/${f}`).filter((f) => existsSync(f));
    if (files.length > 0) return files;
  }
  return [];
}

/** PNG bytes of `svg`, drawn at `scale` times its size on a white background. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const files = fontFiles();
  const resvg = new Resvg(svg, {
    font: {
      fontFiles: files,
      loadSystemFonts: files.length === 0,
      defaultFontFamily: PLOT_FONT,
      sansSerifFamily: PLOT_FONT,
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  return resvg.render().asPng();
}
