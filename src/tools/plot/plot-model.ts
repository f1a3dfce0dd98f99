/**
 * Keras's `keras.utils.plot_model`: draws a model's graph to a file whose extension picks the
 * format — `.png` (rasterized at `dpi`), `.svg` (Graphviz's layout) or `.dot` (the DOT text that
 * modelToDot returns). Written atomically.
 */
import { extname } from "node:path";
import { ValueError } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import type { Model } from "../../models/model.js";
import { plotFont } from "../render/fonts.js";
import { svgToPng } from "../render/svg-to-png.js";
import { buildModelDot } from "./model-to-dot.js";
import {
  DOT_OPTION_NAMES,
  type DotOptions,
  type PlotModelOptions,
  resolveDotOptions,
} from "./options.js";
import { GraphvizCrash, dotToSvg } from "./render.js";

const FORMATS = ["png", "svg", "dot"];

/**
 * Graphviz's layout as SVG. Its orthogonal edge router (Keras's default, "ortho") crashes on some
 * large graphs (ResNet50's, for one); those are drawn with straight "polyline" edges instead,
 * with a warning, rather than not at all.
 */
export async function layoutSvg(
  model: Model,
  options: DotOptions,
  fontname: string,
  warn: (message: string) => void = console.warn,
): Promise<string> {
  try {
    return await dotToSvg(buildModelDot(model, options, fontname));
  } catch (error) {
    if (!(error instanceof GraphvizCrash) || options.splines !== "ortho") throw error;
    warn(
      `plotModel: Graphviz's orthogonal edge routing failed on this graph; drawing its edges ` +
        `with splines: "polyline" instead`,
    );
    return await dotToSvg(buildModelDot(model, { ...options, splines: "polyline" }, fontname));
  }
}

/**
 * Draws `model` to `toFile` (default "model.png") and returns the path written. Options as
 * Keras's: `showShapes`, `showDtype`, `showLayerNames` (default false, as in Keras's
 * plot_model), `rankdir` ("TB" or "LR"), `expandNested`, `dpi` (200), `showLayerActivations`,
 * `showTrainable`, `splines` ("ortho"). A file name without an extension is written as PNG, as
 * Keras does. The model must be built: a functional model, or a Sequential that knows its input
 * shape (a built subclassed model is drawn as one box).
 */
export async function plotModel(model: Model, opts: PlotModelOptions = {}): Promise<string> {
  const options = resolveDotOptions("plotModel", opts, [...DOT_OPTION_NAMES, "toFile"], false);
  const toFile = opts.toFile ?? "model.png";
  if (typeof toFile !== "string" || toFile === "") {
    throw new ValueError(`plotModel: toFile must be a file path; received ${String(toFile)}`);
  }
  const format = extname(toFile).slice(1).toLowerCase() || "png";
  if (!FORMATS.includes(format)) {
    throw new ValueError(
      `plotModel: cannot write "${toFile}": the extension picks the format, one of ` +
        `${FORMATS.map((f) => `.${f}`).join(", ")}; received .${format}`,
    );
  }
  let data: string | Uint8Array;
  if (format === "dot") {
    data = buildModelDot(model, options);
  } else {
    const font = plotFont();
    const svg = await layoutSvg(model, options, font.family);
    data = format === "svg" ? svg : await svgToPng(svg);
  }
  await writeFileAtomic(toFile, data);
  return toFile;
}
