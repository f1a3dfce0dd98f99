/**
 * A Vega-Lite specification compiled to Vega and drawn headless to SVG (no browser, no canvas);
 * ../render/svg-to-png.ts rasterizes it.
 */
import type { TopLevelSpec } from "vega-lite";

/** The SVG markup of a Vega-Lite specification. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  // Vega and Vega-Lite load on first use, not with the library.
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const vg = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
