/** Runs the `strata` command line as a user would: a child process on the TypeScript sources. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../src/tools/cli/bin.ts", import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], opts: { cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, ["--import", "tsx", BIN, ...args], {
    encoding: "utf8",
    cwd: opts.cwd,
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
