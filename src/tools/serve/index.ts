/**
 * `st.serve`: TensorFlow Serving's REST API for Strata models (server.ts). The server and
 * fastify load on the first call, so importing the library does not load an HTTP stack.
 */
import type { Model } from "../../models/model.js";
import type { ModelServer, ServeOptions } from "./server.js";

export type { ModelServer, ServeOptions };

/**
 * Serves a model, a model file, or a versioned model directory over TF Serving's REST API
 * (`POST /v1/models/NAME:predict` …); resolves once listening.
 */
export async function serve(model: Model | string, opts: ServeOptions = {}): Promise<ModelServer> {
  const server = await import("./server.js");
  return server.serve(model, opts);
}
