/** `strata board LOGDIR`: the live dashboard of the training runs under LOGDIR, in the browser. */
import process from "node:process";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { board } from "../../board/index.js";

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new InvalidArgumentError(`expected an integer in [0, 65535]; received ${text}`);
  }
  return port;
}

export function registerBoard(program: Command): void {
  program
    .command("board")
    .description(
      "serve a live dashboard of the TensorBoard logs under LOGDIR (curves, diagnosis, model, histograms)",
    )
    .argument("<logdir>", "the log directory (callbacks.TensorBoard's logDir, or a folder of runs)")
    .option("--port <n>", "port to listen on", parsePort, 6006)
    .option("--host <h>", "interface to bind (127.0.0.1 keeps it to this machine)", "127.0.0.1")
    .action(async (logDir: string, opts: { port: number; host: string }) => {
      const server = await board(logDir, { port: opts.port, host: opts.host });
      console.log(`strata board: serving ${server.store.logDir} at ${server.url} (Ctrl+C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void server.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
