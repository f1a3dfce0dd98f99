/**
 * `strata plot FILE`: draws a saved model's graph to a .png, .svg or .dot file, as Keras's
 * `plot_model` does (its options as flags: --show-shapes, --rankdir LR, --expand-nested …).
 */
import { type Command, InvalidArgumentError } from "commander";
import { loadModel } from "../../../models/index.js";
import { type Rankdir, type Splines, plotModel } from "../../plot/index.js";

interface PlotFlags {
  toFile: string;
  showShapes?: boolean;
  showDtype?: boolean;
  showLayerNames?: boolean;
  showLayerActivations?: boolean;
  showTrainable?: boolean;
  rankdir: string;
  expandNested?: boolean;
  dpi: number;
  splines: string;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("draw the graph of a saved model (.keras, or legacy .h5) as Keras's plot_model")
    .argument("<file>", "the model file")
    .option("-o, --to-file <path>", "the picture to write; .png, .svg or .dot", "model.png")
    .option("--show-shapes", "show each layer's input and output shapes")
    .option("--show-dtype", "show each layer's output dtype")
    .option("--show-layer-names", "show layer names beside their classes")
    .option("--show-layer-activations", "show the activation of layers that have one")
    .option("--show-trainable", "mark layers with weights as trainable or not")
    .option("--rankdir <dir>", "TB (top to bottom) or LR (left to right)", "TB")
    .option("--expand-nested", "draw nested models as clusters of their layers")
    .option("--dpi <n>", "resolution of the PNG in dots per inch", positiveNumber, 200)
    .option("--splines <style>", "edges: ortho, curved, polyline, spline or line", "ortho")
    .action(async (file: string, flags: PlotFlags) => {
      const model = await loadModel(file);
      const written = await plotModel(model, {
        toFile: flags.toFile,
        showShapes: flags.showShapes ?? false,
        showDtype: flags.showDtype ?? false,
        showLayerNames: flags.showLayerNames ?? false,
        showLayerActivations: flags.showLayerActivations ?? false,
        showTrainable: flags.showTrainable ?? false,
        rankdir: flags.rankdir as Rankdir,
        expandNested: flags.expandNested ?? false,
        dpi: flags.dpi,
        splines: flags.splines as Splines,
      });
      console.log(written);
    });
}
