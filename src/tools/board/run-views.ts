/**
 * The run views that come from other parts of Strata: the diagnosis of the run's loss curves
 * (`diagnose`, as `fit` prints it) and the drawing of its model from the Keras config the
 * TensorBoard callback logged.
 */
import { modelFromConfig } from "../../models/index.js";
import { diagnose, type Diagnosis } from "../../train/diagnose.js";
import { DOT_OPTION_NAMES, resolveDotOptions } from "../plot/options.js";
import { layoutSvg } from "../plot/plot-model.js";
import { plotFont } from "../render/fonts.js";

export interface DiagnosisView {
  diagnosis: Diagnosis | null;
  /** Why there is no diagnosis. */
  note?: string;
}

export function diagnoseRun(run: {
  history: Record<string, number[]>;
  epoch: number[];
}): DiagnosisView {
  try {
    return { diagnosis: diagnose(run) };
  } catch (error) {
    return { diagnosis: null, note: `The curves could not be read: ${(error as Error).message}` };
  }
}

export interface GraphView {
  svg: string | null;
  /** What the drawing shows, or why there is none. */
  message: string;
}

/** The page's font, whose character widths Graphviz sizes the layer boxes with. */
const drawings = new Map<string, Promise<GraphView>>();

/**
 * The model rebuilt from its logged Keras config and drawn as plotModel draws it (layer names,
 * classes and shapes), laid out by Graphviz as SVG. One drawing per distinct config.
 */
export function renderModelGraph(config: unknown): Promise<GraphView> {
  if (config === null || config === undefined) {
    return Promise.resolve({
      svg: null,
      message: "No model graph was logged for this run (TensorBoard's writeGraph).",
    });
  }
  const key = JSON.stringify(config);
  let drawing = drawings.get(key);
  if (!drawing) {
    drawing = draw(config);
    drawings.set(key, drawing);
  }
  return drawing;
}

async function draw(config: unknown): Promise<GraphView> {
  let model;
  try {
    model = modelFromConfig(config);
  } catch (error) {
    return {
      svg: null,
      message: `The logged model config could not be rebuilt: ${(error as Error).message}`,
    };
  }
  const options = resolveDotOptions("board", { showShapes: true, dpi: 54 }, DOT_OPTION_NAMES, true);
  const name = model.name;
  // Graphviz's orthogonal edge router fails on some large graphs: straight edges then, quietly.
  return { svg: await layoutSvg(model, options, plotFont().family, () => {}), message: name };
}
