/**
 * `st.serve(model | path, opts)`: TensorFlow Serving's REST API on fastify. Routes: the model
 * status, metadata and predict APIs under /v1 (rest-path.ts), `/healthz` and Prometheus
 * `/metrics`. Every error is `{"error": "…"}`: 400 for a malformed path or body, bad JSON, or
 * inputs of the wrong shape or dtype; 404 for an unknown model or version; 413 for a body over
 * `bodyLimit`; 501 for `:classify` / `:regress`, which Keras models have no signature for.
 * `close()` stops accepting connections, answers the requests in flight and resolves.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { checkOptionNames, StrataError, ValueError } from "../../errors.js";
import type { Model } from "../../models/model.js";
import { Counter, Gauge, Histogram, PROMETHEUS_CONTENT_TYPE, Registry } from "./metrics.js";
import { findModelSources } from "./model-files.js";
import { decodePredictRequest } from "./predict-request.js";
import { encodePrediction } from "./predict-response.js";
import { parseRequestJson } from "./json-parse.js";
import { parseRestPath, type RestPath } from "./rest-path.js";
import { ServedModel } from "./served-model.js";
import { signatureDefJson } from "./signature.js";

export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 8501, TF Serving's REST port. */
  port?: number;
  /** Address to bind. Default "127.0.0.1" (this machine only); "0.0.0.0" for every interface. */
  host?: string;
  /** The name in /v1/models/NAME. Default: the file's name without extension, the model
   * directory's name, or "model" for a Model object. */
  modelName?: string;
  /** The most rows one model call takes when requests are batched. Default 32. */
  maxBatchSize?: number;
  /** How long a request waits for others to join its batch, in ms. Default 0: it joins the
   * requests already arrived, with no wait. */
  batchTimeoutMs?: number;
  /** The largest request body, in bytes. Default 32 MiB. */
  bodyLimit?: number;
  /** How often a model directory is checked for new versions, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Where the server logs loads and swaps. Default: nowhere. */
  log?: (line: string) => void;
}

const OPTIONS = [
  "port",
  "host",
  "modelName",
  "maxBatchSize",
  "batchTimeoutMs",
  "bodyLimit",
  "pollIntervalMs",
  "log",
];

/** A running server. */
export interface ModelServer {
  /** e.g. "http://127.0.0.1:8501" */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** the served models' names */
  readonly models: readonly string[];
  /** Stops accepting, answers what is in flight, stops watching model directories. */
  close(): Promise<void>;
}

class NotFound extends StrataError {}
class Unimplemented extends StrataError {}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(`serve: ${name} must be an integer >= ${min}; received ${value}`);
  }
  return value;
}

/** Serves a model (or the models of a file or directory) over TF Serving's REST API. */
export async function serve(model: Model | string, opts: ServeOptions = {}): Promise<ModelServer> {
  checkOptionNames("serve", opts, OPTIONS);
  const port = checkCount("port", opts.port ?? 8501, 0);
  const host = opts.host ?? "127.0.0.1";
  const batching = {
    maxBatchSize: checkCount("maxBatchSize", opts.maxBatchSize ?? 32, 1),
    batchTimeoutMs: checkCount("batchTimeoutMs", opts.batchTimeoutMs ?? 0, 0),
  };
  const bodyLimit = checkCount("bodyLimit", opts.bodyLimit ?? 32 * 2 ** 20, 1);
  const pollIntervalMs = checkCount("pollIntervalMs", opts.pollIntervalMs ?? 1000, 1);
  const log = opts.log ?? (() => {});

  const registry = new Registry();
  const requests = registry.add(
    new Counter(
      "strata_serve_requests_total",
      "REST requests answered, by model, API and status code.",
    ),
  );
  const latency = registry.add(
    new Histogram(
      "strata_serve_request_duration_seconds",
      "Time from a request's arrival to its answer, by API.",
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  );
  const batchSizes = registry.add(
    new Histogram(
      "strata_serve_batch_size",
      "Rows per model call (batched requests together).",
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    ),
  );

  const servedOpts = { batching, log, observeBatch: (rows: number) => batchSizes.observe(rows) };
  const served = new Map<string, ServedModel>();
  if (typeof model === "string") {
    for (const source of await findModelSources(model, opts.modelName)) {
      served.set(source.name, await ServedModel.fromSource(source, servedOpts));
    }
  } else {
    const name = opts.modelName ?? "model";
    served.set(name, ServedModel.fromModel(name, model, servedOpts));
  }
  for (const m of served.values()) m.watch(pollIntervalMs);

  registry.add(
    new Gauge("strata_serve_queued_rows", "Rows waiting for a model call, by model.", () =>
      [...served.values()].map((m) => [{ model: m.name }, m.pendingRows]),
    ),
  );
  registry.add(
    new Gauge("strata_serve_model_version", "The version each model serves.", () =>
      [...served.values()].map((m) => [{ model: m.name }, m.servable()?.version ?? 0]),
    ),
  );
  registry.add(
    new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => [
      [{}, process.memoryUsage.rss()],
    ]),
  );

  const app = Fastify({ bodyLimit, logger: false, return503OnClosing: true });
  // TF Serving reads every body as JSON whatever its Content-Type (curl -d sends a form type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  const apis = new WeakMap<FastifyRequest, { model: string; api: string }>();
  let closing = false;

  const lookup = (path: RestPath) => {
    const m = served.get(path.model);
    const spec =
      path.version !== undefined
        ? `Specific(${path.model}, ${path.version})`
        : `Latest(${path.model})`;
    const servable = m?.servable(path.version);
    if (!m || !servable) throw new NotFound(`Servable not found for request: ${spec}`);
    return { m, servable };
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = parseRestPath(request.method, request.url);
    apis.set(request, { model: path.model, api: path.api });
    if (path.label !== undefined) {
      throw new ValueError(
        `Unrecognized servable version label: ${path.label} (strata serve has no version labels; ` +
          `use /versions/N)`,
      );
    }
    if (path.api === "status") {
      const m = served.get(path.model);
      const status = m?.status(path.version) ?? [];
      if (status.length === 0) {
        const spec = path.version !== undefined ? `version ${path.version} of ` : "";
        throw new NotFound(`Could not find ${spec}model "${path.model}"`);
      }
      return reply.send({
        model_version_status: status.map((s) => ({
          version: String(s.version),
          state: s.state,
          status: { error_code: s.error ? "UNKNOWN" : "OK", error_message: s.error ?? "" },
        })),
      });
    }
    const { servable } = lookup(path);
    if (path.api === "metadata") {
      return reply.send({
        model_spec: { name: path.model, signature_name: "", version: String(servable.version) },
        metadata: { signature_def: signatureDefJson(servable.signature) },
      });
    }
    if (path.api !== "predict") {
      throw new Unimplemented(
        `:${path.api} is not supported by strata serve (it needs a ${path.api} signature over ` +
          `tf.Example inputs, which Keras models do not have); use :predict`,
      );
    }
    const body = parseRequestJson(typeof request.body === "string" ? request.body : "");
    const req = decodePredictRequest(body, servable.signature);
    const slice = await servable.batcher.submit(req.inputs);
    return reply
      .type("application/json")
      .send(encodePrediction(slice.outputs, req.format, slice.start, slice.end));
  };
  app.route({ method: ["GET", "POST"], url: "/v1/*", handler: handle });
  app.route({ method: ["GET", "POST"], url: "/v1", handler: handle });

  app.get("/healthz", async (_request, reply) => {
    const ready = !closing && [...served.values()].every((m) => m.servable() !== null);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ok" : "unavailable" });
  });
  app.get("/metrics", async (_request, reply) =>
    reply.type(PROMETHEUS_CONTENT_TYPE).send(registry.render()),
  );

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: `Not found: ${request.method} ${request.url.split("?")[0]}; the REST API is under /v1/models/NAME`,
    }),
  );
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const code =
      error instanceof NotFound
        ? 404
        : error instanceof Unimplemented
          ? 501
          : error instanceof StrataError
            ? 400
            : error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
              ? 413
              : (error.statusCode ?? 500);
    const message =
      code === 413
        ? `Request body is too large: the limit is ${bodyLimit} bytes (bodyLimit / --body-limit)`
        : error.message;
    return reply.code(code).send({ error: message });
  });
  // While closing, answers end their keep-alive connections, so closing waits only for them.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (closing) reply.header("connection", "close");
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    // Labels stay a small set: served model names, TF Serving's APIs, the two other routes.
    const info = apis.get(request);
    const route = request.routeOptions.url;
    const api =
      info?.api ?? (route === "/healthz" || route === "/metrics" ? route.slice(1) : "other");
    const model = info && served.has(info.model) ? info.model : "";
    requests.inc({ model, api, code: String(reply.statusCode) });
    latency.observe(reply.elapsedTime / 1000, { api });
  });

  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${actualPort}`,
    host,
    port: actualPort,
    models: [...served.keys()],
    close() {
      closed ??= (async () => {
        closing = true;
        await app.close();
        await Promise.all([...served.values()].map((m) => m.close()));
      })();
      return closed;
    },
  };
}
