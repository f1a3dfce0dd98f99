/**
 * The options of plotModel and modelToDot (Keras's plot_model / model_to_dot arguments in
 * camelCase), their defaults, and the checks that turn a bad value into an error naming it.
 */
import { ValueError, checkOptionNames } from "../../errors.js";
import type { LabelOptions } from "./layer-label.js";

/** Graphviz's rank directions: "TB" draws top to bottom, "LR" left to right. */
export type Rankdir = "TB" | "LR" | "BT" | "RL";
/** How Graphviz draws edges; Keras's default is "ortho" (right angles). */
export type Splines = "ortho" | "curved" | "polyline" | "spline" | "line";

export interface ModelToDotOptions {
  /** show each layer's input and output shapes (default false) */
  showShapes?: boolean;
  /** show each layer's output dtype (default false) */
  showDtype?: boolean;
  /** show layer names before their class names (modelToDot: true; plotModel: false, as Keras) */
  showLayerNames?: boolean;
  /** Graphviz's rankdir: "TB" (default) or "LR" (also "BT", "RL") */
  rankdir?: Rankdir;
  /** draw nested functional and Sequential models as clusters of their layers (default false) */
  expandNested?: boolean;
  /** image resolution in dots per inch (default 200) */
  dpi?: number;
  /** show the activation of layers that have one (Dense, Conv2D, Activation …; default false) */
  showLayerActivations?: boolean;
  /** mark each layer that has weights as trainable or not (default false) */
  showTrainable?: boolean;
  /** Graphviz's edge style (default "ortho") */
  splines?: Splines;
}

export interface PlotModelOptions extends ModelToDotOptions {
  /** the file to write (default "model.png"); its extension picks .png, .svg or .dot */
  toFile?: string;
}

/** Every option with its value decided. */
export interface DotOptions extends LabelOptions {
  rankdir: Rankdir;
  expandNested: boolean;
  dpi: number;
  splines: Splines;
}

const RANKDIRS: readonly Rankdir[] = ["TB", "LR", "BT", "RL"];
const SPLINES: readonly Splines[] = ["ortho", "curved", "polyline", "spline", "line"];
const FLAGS = [
  "showShapes",
  "showDtype",
  "showLayerNames",
  "expandNested",
  "showLayerActivations",
  "showTrainable",
] as const;
export const DOT_OPTION_NAMES: readonly string[] = [...FLAGS, "rankdir", "dpi", "splines"];

/**
 * The options with Keras's defaults filled in; `showLayerNames` defaults differ between
 * model_to_dot (true) and plot_model (false), so the caller gives it.
 */
export function resolveDotOptions(
  where: string,
  opts: ModelToDotOptions,
  known: readonly string[],
  showLayerNamesDefault: boolean,
): DotOptions {
  checkOptionNames(where, opts, known);
  for (const flag of FLAGS) {
    const value = opts[flag];
    if (value !== undefined && typeof value !== "boolean") {
      throw new ValueError(`${where}: ${flag} must be true or false; received ${String(value)}`);
    }
  }
  const rankdir = opts.rankdir ?? "TB";
  if (!RANKDIRS.includes(rankdir)) {
    throw new ValueError(
      `${where}: rankdir must be one of ${RANKDIRS.join(", ")}; received ${JSON.stringify(rankdir)}`,
    );
  }
  const splines = opts.splines ?? "ortho";
  if (!SPLINES.includes(splines)) {
    throw new ValueError(
      `${where}: splines must be one of ${SPLINES.join(", ")}; received ${JSON.stringify(splines)}`,
    );
  }
  const dpi = opts.dpi ?? 200;
  if (typeof dpi !== "number" || !Number.isFinite(dpi) || dpi <= 0) {
    throw new ValueError(`${where}: dpi must be a positive number; received ${String(dpi)}`);
  }
  return {
    showShapes: opts.showShapes ?? false,
    showDtype: opts.showDtype ?? false,
    showLayerNames: opts.showLayerNames ?? showLayerNamesDefault,
    showLayerActivations: opts.showLayerActivations ?? false,
    showTrainable: opts.showTrainable ?? false,
    expandNested: opts.expandNested ?? false,
    rankdir,
    dpi,
    splines,
  };
}
