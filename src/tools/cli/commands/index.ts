/**
 * Every `strata` command, in the order `strata --help` lists them. Each file registers one
 * command (its arguments, options, help and action) on the program.
 */
import type { Command } from "commander";
import { registerBoard } from "./board.js";
import { registerPlot } from "./plot.js";
import { registerSummary } from "./summary.js";

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerSummary,
  registerPlot,
  registerBoard,
];
