/**
 * `board(logDir)`: the dashboard's web server (fastify). It serves one page (page/) with uPlot
 * from the installed package, JSON views of the runs under `logDir`, and `/api/events`, a
 * server-sent event stream that pushes every new point as training writes it. Binds 127.0.0.1
 * unless told otherwise; port 0 picks a free port (tests).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ValueError } from "../../errors.js";
import type { OpenTail } from "./board-events.js";
import { openEventTail } from "./event-tail.js";
import { RunStore, type StoreUpdate } from "./run-store.js";
import { diagnoseRun, renderModelGraph } from "./run-views.js";

export interface BoardOptions {
  /** Interface to listen on; "127.0.0.1" unless told otherwise. */
  host?: string;
  /** Port to listen on (TensorBoard's 6006); 0 picks a free one. */
  port?: number;
  /** Milliseconds between polls of the log directory (fs.watch usually reports sooner). */
  pollMs?: number;
  /** How event files are read; the TensorBoard event reader unless a test gives another. */
  openTail?: OpenTail;
  /** Hears about event files that cannot be read (corrupt records); a warning on stderr unless given. */
  onError?: (error: unknown) => void;
}

export interface Board {
  /** The page's address, e.g. `http://127.0.0.1:6006/`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly store: RunStore;
  close(): Promise<void>;
}

const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));
const UPLOT_DIR =
  dirname(createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js")) + sep;

/** The files the page loads, by the name it asks for. */
const STATIC: Record<string, { path: string; type: string }> = {
  "board.js": { path: PAGE_DIR + "board.js", type: "text/javascript; charset=utf-8" },
  "board.css": { path: PAGE_DIR + "board.css", type: "text/css; charset=utf-8" },
  "uPlot.iife.min.js": {
    path: UPLOT_DIR + "uPlot.iife.min.js",
    type: "text/javascript; charset=utf-8",
  },
  "uPlot.min.css": { path: UPLOT_DIR + "uPlot.min.css", type: "text/css; charset=utf-8" },
};

/** Starts the dashboard over `logDir` and resolves once it listens. */
export async function board(logDir: string, opts: BoardOptions = {}): Promise<Board> {
  const { host = "127.0.0.1", port = 6006, pollMs = 500, openTail = openEventTail } = opts;
  const onError =
    opts.onError ?? ((e: unknown) => console.warn(`strata board: ${(e as Error).message}`));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValueError(`board: port must be an integer in [0, 65535]; received ${port}`);
  }
  const store = new RunStore(logDir, openTail);
  store.on("error", onError);
  await store.refresh();

  // fastify loads on first use, not with the library.
  const { default: Fastify } = await import("fastify");
  const app = Fastify({ logger: false });
  const streams = new Set<ServerResponse>();
  const push = (update: StoreUpdate): void => {
    const message = `event: update\ndata: ${JSON.stringify(update)}\n\n`;
    for (const res of streams) res.write(message);
  };
  store.on("update", push);

  const runOf = (request: FastifyRequest<{ Params: { run: string } }>, reply: FastifyReply) => {
    const run = store.run(request.params.run);
    if (!run) {
      const known = store.runNames();
      void reply.code(404).send({
        error:
          `no run named ${JSON.stringify(request.params.run)} under ${store.logDir}` +
          ` (runs: ${known.length > 0 ? known.join(", ") : "none yet"})`,
      });
    }
    return run;
  };
  type RunRequest = FastifyRequest<{ Params: { run: string } }>;

  app.get("/", (_request, reply) => {
    void reply.type("text/html; charset=utf-8").send(readFileSync(PAGE_DIR + "index.html"));
  });
  app.get<{ Params: { file: string } }>("/static/:file", (request, reply) => {
    const file = STATIC[request.params.file];
    if (!file) return reply.code(404).send({ error: `no static file ${request.params.file}` });
    return reply.type(file.type).send(readFileSync(file.path));
  });
  app.get("/api/runs", () => ({
    logDir: store.logDir,
    runs: store.runNames().map((name) => store.run(name)!.summary()),
  }));
  app.get("/api/runs/:run/scalars", (request: RunRequest, reply) => {
    const run = runOf(request, reply);
    return run && { run: run.name, metrics: run.metrics(), axes: run.axes() };
  });
  app.get("/api/runs/:run/histograms", (request: RunRequest, reply) => {
    const run = runOf(request, reply);
    return run && { run: run.name, histograms: run.latestHistograms() };
  });
  app.get("/api/runs/:run/diagnosis", (request: RunRequest, reply) => {
    const run = runOf(request, reply);
    return run && { run: run.name, ...diagnoseRun(run.history()) };
  });
  app.get("/api/runs/:run/graph", async (request: RunRequest, reply) => {
    const run = runOf(request, reply);
    return run && { run: run.name, ...(await renderModelGraph(run.modelConfig)) };
  });
  app.get("/api/events", (_request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n: connected\n\n");
    streams.add(res);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    res.on("close", () => {
      clearInterval(heartbeat);
      streams.delete(res);
    });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no endpoint ${request.method} ${request.url}` });
  });
  app.addHook("preClose", (done) => {
    for (const res of streams) res.end();
    streams.clear();
    done();
  });

  store.watch(pollMs);
  try {
    await app.listen({ host, port });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}/`,
    host,
    port: bound,
    store,
    async close() {
      await store.close();
      await app.close();
    },
  };
}
