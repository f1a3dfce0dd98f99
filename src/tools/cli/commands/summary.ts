/** `strata summary FILE`: Keras's summary table of a saved model (.keras or legacy .h5). */
import type { Command } from "commander";
import { loadModel } from "../../../models/index.js";

export function registerSummary(program: Command): void {
  program
    .command("summary")
    .description("print the summary table of a saved model (.keras, or legacy .h5)")
    .argument("<file>", "the model file")
    .action(async (file: string) => {
      const model = await loadModel(file);
      model.summary((line) => console.log(line));
    });
}
