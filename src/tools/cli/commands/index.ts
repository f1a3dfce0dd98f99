/**
 * Every `strata` command, in the order `strata --help` lists them. Each file registers one
 * command (its arguments, options, help and action) on the program.
 */
import type { Command } from "commander";
import { registerSummary } from "./summary.js";
import { registerTuner } from "./tuner.js";

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [registerSummary, registerTuner];
