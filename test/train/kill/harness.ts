/**
 * Runs child.ts as a separate Node process and kills it with SIGKILL at a chosen moment: after a
 * line it prints matches, plus an optional delay. Shared by kill.test.ts (a few kills) and
 * bench/kill.ts (many, with counts for bench/README.md).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

export interface ChildRun {
  /** How it ended: "killed" when we sent SIGKILL, else its exit code. */
  ended: "killed" | number | null;
  /** The lines it printed before it ended. */
  lines: string[];
  stderr: string;
}

/** Runs child.ts with `args` to the end, or kills it once `killWhen(line)` holds and `delayMs` passed. */
export function runChild(
  args: readonly string[],
  killWhen: ((line: string) => boolean) | null = null,
  delayMs = 0,
  timeoutMs = 120_000,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let pending = "";
    let stderr = "";
    let killing = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child.ts ${args.join(" ")} ran past ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const parts = pending.split("\n");
      pending = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (!killing && killWhen?.(line)) {
          killing = true;
          setTimeout(() => child.kill("SIGKILL"), delayMs);
        }
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ ended: signal === "SIGKILL" ? "killed" : code, lines, stderr });
    });
  });
}

/** The temporaries an interrupted atomic write leaves (`.name.pid.hex.tmp`). */
export function leftoverTemporaries(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(".") && name.endsWith(".tmp"));
}
