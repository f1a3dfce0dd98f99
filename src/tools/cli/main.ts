/**
 * The `strata` command line: one commander program, one file per command under commands/.
 * `strata --help` and `strata COMMAND --help` list every command and option.
 */
import process from "node:process";
import { Command, CommanderError } from "commander";
// The public surface, imported whole so every layer, loss and application registers for loading.
import "../../index.js";
import { StrataError } from "../../errors.js";
import { COMMANDS } from "./commands/index.js";

/** Builds the program; separate from running it so tests can drive it in-process. */
export function createProgram(): Command {
  const program = new Command("strata")
    .description(
      "Strata: Keras for TypeScript. Inspect, run, convert, plot and serve Keras models.",
    )
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs `argv` (without node and the script); errors a user caused print one line and exit 1. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof StrataError) {
      console.error(`strata: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
