/**
 * `st.utils.plotHistory(history, {toFile, metrics})`: the training curves of a fit, training
 * against validation, one panel per metric (loss first), the best epoch marked, written as SVG or
 * PNG by the file's extension (atomically). Returns the SVG markup.
 */
import { extname } from "node:path";
import { ValueError, checkOptionNames } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import type { HistoryLike } from "../../train/diagnose.js";
import { historyPanels } from "./history-spec.js";
import { svgToPng, vegaLiteToSvg } from "./render.js";

export interface PlotHistoryOptions {
  /** Where to write: `.svg` or `.png`. Default "history.png" (as plotModel's "model.png"). */
  toFile?: string;
  /** The metrics to draw, one panel each (their `val_` curves beside them). Default: all, loss first. */
  metrics?: readonly string[];
}

const KNOWN = ["toFile", "metrics"];

/** Draws `history` into `toFile`; see the file comment. */
export async function plotHistory(
  history: HistoryLike,
  opts: PlotHistoryOptions = {},
): Promise<string> {
  checkOptionNames("plotHistory", opts, KNOWN);
  const toFile = opts.toFile ?? "history.png";
  const ext = extname(toFile).toLowerCase();
  if (ext !== ".svg" && ext !== ".png")
    throw new ValueError(
      `plotHistory: toFile must end in .svg or .png; received toFile=${JSON.stringify(toFile)}`,
    );
  const { spec } = historyPanels(history, opts.metrics);
  const svg = await vegaLiteToSvg(spec);
  await writeFileAtomic(toFile, ext === ".svg" ? svg : svgToPng(svg));
  return svg;
}
