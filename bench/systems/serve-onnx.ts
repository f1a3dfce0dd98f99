/**
 * The comparison server for bench/serve.ts: an ONNX model run by onnxruntime-node behind the
 * same fastify, answering TF Serving's row-format predict (`{"instances": […]}` →
 * `{"predictions": […]}`) as a Node user would write it: JSON.parse, one session.run per
 * request, JSON.stringify. Usage: node --import tsx bench/systems/serve-onnx.ts MODEL.onnx
 * INPUT_SHAPE (e.g. 784 or 28,28,1); prints "listening on URL".
 */
import { createRequire } from "node:module";
import process from "node:process";
import Fastify from "fastify";

/** The part of onnxruntime-node's API used here (declared so that typechecking the repository
 * does not need bench/'s peers installed). */
interface Ort {
  InferenceSession: {
    create(path: string): Promise<{
      inputNames: readonly string[];
      outputNames: readonly string[];
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
    }>;
  };
  Tensor: new (type: "float32", data: Float32Array, dims: number[]) => unknown;
}

const require = createRequire(new URL("../package.json", import.meta.url));
const ort = require("onnxruntime-node") as Ort;

const [file, shapeText] = process.argv.slice(2);
const rowShape = shapeText!.split(",").map(Number);
const rowSize = rowShape.reduce((a, b) => a * b, 1);
const session = await ort.InferenceSession.create(file!);
const [inputName] = session.inputNames;
const [outputName] = session.outputNames;

const app = Fastify({ bodyLimit: 32 * 2 ** 20 });
app.post("/v1/*", async (request, reply) => {
  const instances = (request.body as { instances: unknown[] }).instances;
  const flat = new Float32Array(
    (instances.flat(rowShape.length) as number[]).slice(0, instances.length * rowSize),
  );
  const x = new ort.Tensor("float32", flat, [instances.length, ...rowShape]);
  const out = (await session.run({ [inputName!]: x }))[outputName!]!;
  const values = out.data as Float32Array;
  const width = values.length / instances.length;
  const predictions = Array.from({ length: instances.length }, (_, r) =>
    Array.from(values.subarray(r * width, (r + 1) * width)),
  );
  return reply.send({ predictions });
});
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address() as { port: number };
console.log(`listening on http://127.0.0.1:${address.port}`);
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
