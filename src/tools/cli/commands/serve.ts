/**
 * `strata serve FILE|DIR`: TensorFlow Serving's REST API for a model file or a versioned model
 * directory (src/tools/serve). Prints one line when listening; SIGTERM or SIGINT stop it
 * gracefully (no new connections, the requests in flight answered, exit 0).
 */
import process from "node:process";
import { type Command, InvalidArgumentError } from "commander";
import { serve } from "../../serve/index.js";

/** A non-negative integer option. */
function integer(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a non-negative integer; received "${value}"`);
  }
  return n;
}

/** A size in bytes, optionally with a k / m / g suffix (powers of 1024). */
function bytes(value: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(value.trim());
  if (!m)
    throw new InvalidArgumentError(
      `expected a size such as 1048576, 512k or 32m; received "${value}"`,
    );
  const scale = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[
    m[2]!.toLowerCase() as "" | "k" | "m" | "g"
  ];
  return Number(m[1]) * scale;
}

interface ServeFlags {
  port: number;
  host: string;
  modelName?: string;
  maxBatchSize: number;
  batchTimeoutMs: number;
  bodyLimit: number;
  pollIntervalMs: number;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "serve a model over TensorFlow Serving's REST API (/v1/models/NAME:predict, metadata, " +
        "status), with /healthz and Prometheus /metrics",
    )
    .argument(
      "<path>",
      "a model file (.keras or legacy .h5), a versioned model directory (NAME/1/model.keras, " +
        "NAME/2/…: the newest version is served and new ones are swapped in), or a directory of those",
    )
    .option("--port <port>", "TCP port (0: any free port)", integer, 8501)
    .option("--host <host>", "address to bind (0.0.0.0: every interface)", "127.0.0.1")
    .option(
      "--model-name <name>",
      "the NAME in /v1/models/NAME (default: the file or directory name)",
    )
    .option(
      "--max-batch-size <rows>",
      "most rows one model call takes when batching requests",
      integer,
      32,
    )
    .option(
      "--batch-timeout-ms <ms>",
      "how long a request waits for others to join its batch (0: no wait)",
      integer,
      0,
    )
    .option("--body-limit <bytes>", "largest request body (e.g. 32m)", bytes, 32 * 2 ** 20)
    .option(
      "--poll-interval-ms <ms>",
      "how often a model directory is checked for new versions",
      integer,
      1000,
    )
    .action(async (path: string, flags: ServeFlags) => {
      const server = await serve(path, {
        ...flags,
        log: (line) => console.error(line),
      });
      for (const name of server.models) {
        console.log(`strata serve: model "${name}" at ${server.url}/v1/models/${name}`);
      }
      console.log(`strata serve: listening on ${server.url}`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          console.error(`strata serve: ${signal}: finishing requests in flight, then exiting`);
          void server.close().then(resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
