/**
 * What the distributed-tuner tests share: a Redis server on a free loopback port and
 * `strata tuner worker` processes connected to it, each registered for cleanup by the caller.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection, createServer } from "node:net";
import { fileURLToPath } from "node:url";

const REDIS = "/usr/bin/redis-server";
const BIN = fileURLToPath(new URL("../../../src/tools/cli/bin.ts", import.meta.url));

/** Why a Redis test cannot run here, or false. */
export const redisSkipReason: string | false = !existsSync(REDIS)
  ? `${REDIS} is not installed`
  : (() => {
      // BullMQ 6 needs a Redis client it treats as optional: ioredis.
      try {
        createRequire(import.meta.url).resolve("ioredis");
        return false;
      } catch {
        return "the ioredis package (BullMQ's Redis client) is not installed";
      }
    })();

export interface WaitOptions {
  /** Give up after this long. Default 60 s. */
  ms?: number;
  /** Check this often. Default 20 ms. */
  pollMs?: number;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  opts: WaitOptions = {},
): Promise<void> {
  const end = Date.now() + (opts.ms ?? 60_000);
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    socket.once("connect", () => (socket.end(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

/** Starts redis-server (no persistence) on a free loopback port; resolves to its URL. */
export async function startRedis(children: ChildProcess[], wait?: WaitOptions): Promise<string> {
  const port = await freePort();
  const redis = spawn(
    REDIS,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  children.push(redis);
  await waitFor(() => accepts(port), "redis-server", wait);
  return `redis://127.0.0.1:${port}`;
}

/** Starts `count` `strata tuner worker` processes on `module`; resolves once all say "ready". */
export async function startWorkers(
  count: number,
  url: string,
  module: string,
  env: NodeJS.ProcessEnv,
  children: ChildProcess[],
  opts: { args?: readonly string[]; wait?: WaitOptions } = {},
): Promise<ChildProcess[]> {
  const outputs: string[] = [];
  const workers: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const worker = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        BIN,
        "tuner",
        "worker",
        "--redis",
        url,
        "--module",
        module,
        ...(opts.args ?? []),
      ],
      { env, stdio: ["ignore", "pipe", "inherit"] },
    );
    outputs.push("");
    worker.stdout!.on("data", (d: Buffer) => (outputs[i] += d.toString()));
    children.push(worker);
    workers.push(worker);
  }
  await waitFor(
    () => outputs.every((o) => o.includes("ready")),
    "the workers to be ready",
    opts.wait,
  );
  return workers;
}
