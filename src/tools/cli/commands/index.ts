/**
 * Every `strata` command, in the order `strata --help` lists them. Each file registers one
 * command (its arguments, options, help and action) on the program.
 */
import type { Command } from "commander";
import { registerBoard } from "./board.js";
import { registerConvert } from "./convert.js";
import { registerDoctor } from "./doctor.js";
import { registerPlot } from "./plot.js";
import { registerPredict } from "./predict.js";
import { registerServe } from "./serve.js";
import { registerSummary } from "./summary.js";
import { registerTuner } from "./tuner.js";

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerSummary,
  registerPredict,
  registerServe,
  registerConvert,
  registerPlot,
  registerBoard,
  registerTuner,
  registerDoctor,
];
