import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { serve, type ModelServer } from "../../../src/tools/serve/index.js";
import { assertClose, request } from "./http.js";

/** y = x·W + b with W = [[1, 2], [3, 4], [5, 6]] and b = [0.5, -1]: hand-checkable outputs. */
function affineModel(): st.Model {
  const dense = new st.layers.Dense(2, { name: "scores" });
  const model = new st.Sequential([st.Input({ shape: [3], name: "x" }), dense]);
  dense.setWeights([
    st.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
    st.tensor([0.5, -1]),
  ]);
  return model;
}
const affine = (x: number[]) => [
  x[0]! + 3 * x[1]! + 5 * x[2]! + 0.5,
  2 * x[0]! + 4 * x[1]! + 6 * x[2]! - 1,
];

/** Two inputs (a: [2], b: [3]) and two outputs: first = a + [0.5, -0.5], second = b0 + 2 b1 + 3 b2. */
function twoByTwoModel(): st.Model {
  const a = st.Input({ shape: [2], name: "a" });
  const b = st.Input({ shape: [3], name: "b" });
  const d1 = new st.layers.Dense(2, { name: "first" });
  const d2 = new st.layers.Dense(1, { name: "second" });
  const model = new st.Model({ inputs: [a, b], outputs: [d1.apply(a), d2.apply(b)] });
  d1.setWeights([
    st.tensor([
      [1, 0],
      [0, 1],
    ]),
    st.tensor([0.5, -0.5]),
  ]);
  d2.setWeights([st.tensor([[1], [2], [3]]), st.tensor([0])]);
  return model;
}

/** Text in, token ids out: TextVectorization with the vocabulary a, b, c (ids 2, 3, 4; 1 is OOV). */
function textModel(): st.Model {
  const tv = new st.layers.TextVectorization({
    vocabulary: ["a", "b", "c"],
    outputSequenceLength: 4,
  });
  const input = st.Input({ shape: [1], dtype: "string", name: "text" });
  return new st.Model({ inputs: input, outputs: tv.apply(input) });
}

describe("st.serve: TensorFlow Serving's REST API over HTTP", () => {
  let server: ModelServer;
  let multi: ModelServer;
  let text: ModelServer;
  before(async () => {
    server = await serve(affineModel(), { port: 0, modelName: "affine", bodyLimit: 4096 });
    multi = await serve(twoByTwoModel(), { port: 0, modelName: "multi" });
    text = await serve(textModel(), { port: 0, modelName: "text" });
  });
  after(async () => {
    await Promise.all([server?.close(), multi?.close(), text?.close()]);
  });

  it("binds 127.0.0.1 on the port asked for (0: a free one)", () => {
    assert.equal(server.host, "127.0.0.1");
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.port > 0);
    assert.deepEqual(server.models, ["affine"]);
  });

  it("GET /v1/models/NAME and /versions/1 give the model status", async () => {
    const want = {
      model_version_status: [
        { version: "1", state: "AVAILABLE", status: { error_code: "OK", error_message: "" } },
      ],
    };
    for (const path of ["/v1/models/affine", "/v1/models/affine/versions/1"]) {
      const r = await request(server.url + path);
      assert.equal(r.status, 200);
      assert.match(r.contentType ?? "", /application\/json/);
      assert.deepEqual(r.body, want);
    }
  });

  it("GET /metadata gives the serving_default signature with TF's shapes and dtypes", async () => {
    const r = await request(`${server.url}/v1/models/affine/metadata`);
    assert.equal(r.status, 200);
    const body = r.body as {
      model_spec: unknown;
      metadata: { signature_def: { signature_def: Record<string, Record<string, unknown>> } };
    };
    assert.deepEqual(body.model_spec, { name: "affine", signature_name: "", version: "1" });
    const sig = body.metadata.signature_def.signature_def.serving_default!;
    assert.equal(sig.method_name, "tensorflow/serving/predict");
    const dims = (sizes: string[]) => ({
      dim: sizes.map((size) => ({ size, name: "" })),
      unknown_rank: false,
    });
    const inputs = sig.inputs as Record<string, { dtype: string; tensor_shape: unknown }>;
    const outputs = sig.outputs as Record<string, { dtype: string; tensor_shape: unknown }>;
    assert.deepEqual(Object.keys(inputs), ["x"]);
    assert.equal(inputs.x!.dtype, "DT_FLOAT");
    assert.deepEqual(inputs.x!.tensor_shape, dims(["-1", "3"]));
    assert.deepEqual(Object.keys(outputs), ["scores"]);
    assert.deepEqual(outputs.scores!.tensor_shape, dims(["-1", "2"]));
    const versioned = await request(`${server.url}/v1/models/affine/versions/1/metadata`);
    assert.deepEqual(versioned.body, r.body);
    const t = await request(`${text.url}/v1/models/text/metadata`);
    const tsig = (t.body as typeof body).metadata.signature_def.signature_def.serving_default!;
    assert.equal((tsig.inputs as Record<string, { dtype: string }>).text!.dtype, "DT_STRING");
    assert.equal(
      (tsig.outputs as Record<string, { dtype: string }>).text_vectorization!.dtype,
      "DT_INT32",
    );
  });

  it("row format: {instances} → {predictions}, one bare row per instance for one output", async () => {
    const rows = [
      [1, 2, 3],
      [-1, 0.5, 2],
    ];
    for (const path of ["/v1/models/affine:predict", "/v1/models/affine/versions/1:predict"]) {
      const r = await request(server.url + path, { body: { instances: rows } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body as object), ["predictions"]);
      assertClose((r.body as { predictions: unknown }).predictions, rows.map(affine));
    }
  });

  it("columnar format: {inputs} → {outputs}, bare or keyed by the input name", async () => {
    const rows = [[0, 0, 1]];
    for (const inputs of [rows, { x: rows }]) {
      const r = await request(`${server.url}/v1/models/affine:predict`, {
        body: { signature_name: "serving_default", inputs },
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { outputs: [[5.5, 5]] });
    }
  });

  it("floats are written as TF Serving writes them: shortest %g that reads back, NaN as a token", async () => {
    const r = await request(`${server.url}/v1/models/affine:predict`, {
      body: '{"instances": [[0.1, 0, 0], [NaN, 0, 0], [Infinity, 0, 0]]}',
    });
    assert.equal(r.status, 200, r.text);
    // 0.1 + 0.5 in float32 is 0.6 (0.60000002384…), written "0.6"; 0.2 - 1 = -0.8.
    assert.match(r.text, /\[0\.6, -0\.8\]/);
    assert.match(r.text, /\[NaN, NaN\]/);
    assert.match(r.text, /\[Infinity, Infinity\]/);
  });

  it("several inputs and outputs: rows of objects and objects of columns", async () => {
    const rowsIn = [
      { a: [1, 2], b: [1, 1, 1] },
      { a: [3, 4], b: [0, 0, 2] },
    ];
    const r = await request(`${multi.url}/v1/models/multi:predict`, {
      body: { instances: rowsIn },
    });
    assert.equal(r.status, 200, r.text);
    assertClose((r.body as { predictions: unknown }).predictions, [
      { first: [1.5, 1.5], second: [6] },
      { first: [3.5, 3.5], second: [6] },
    ]);
    const c = await request(`${multi.url}/v1/models/multi:predict`, {
      body: {
        inputs: {
          a: [
            [1, 2],
            [3, 4],
          ],
          b: [
            [1, 1, 1],
            [0, 0, 2],
          ],
        },
      },
    });
    assert.equal(c.status, 200, c.text);
    assertClose((c.body as { outputs: unknown }).outputs, {
      first: [
        [1.5, 1.5],
        [3.5, 3.5],
      ],
      second: [[6], [6]],
    });
  });

  it("string inputs reach a TextVectorization model: strings, {b64}, and a flat list for shape [-1,1]", async () => {
    const url = `${text.url}/v1/models/text:predict`;
    const want = [
      [2, 4, 0, 0],
      [3, 1, 0, 0],
    ];
    const b64 = Buffer.from("b zz").toString("base64");
    for (const instances of [
      [["a c"], ["b zz"]],
      ["a c", "b zz"],
      [["a c"], [{ b64 }]],
    ]) {
      const r = await request(url, { body: { instances } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { predictions: want });
    }
    const bad = await request(url, { body: { instances: [[1]] } });
    assert.equal(bad.status, 400);
    assert.match((bad.body as { error: string }).error, /is not of expected type: string/);
  });

  it("400 for bad JSON, a missing key, wrong shapes and wrong dtypes, saying expected and received", async () => {
    const url = `${server.url}/v1/models/affine:predict`;
    const cases: Array<[string | unknown, RegExp]> = [
      ["", /JSON Parse error: The document is empty/],
      ['{"instances": [[1, 2, 3]]', /JSON Parse error/],
      [[1, 2], /Is not object/],
      [{ instance: [[1, 2, 3]] }, /Missing 'inputs' or 'instances' key/],
      [{ instances: [[1, 2, 3]], inputs: [[1, 2, 3]] }, /only one of 'inputs' or 'instances'/],
      [{ instances: [] }, /No values in 'instances' array/],
      [{ instances: [[1, 2]] }, /expected shape \[-1,3\].*received \[1,2\]/],
      [
        {
          instances: [
            [1, 2, 3],
            [4, 5],
          ],
        },
        /unexpected size: 2 at level: 1 expected size: 3/,
      ],
      [{ instances: [[1, "2", 3]] }, /JSON Value: "2" Type: string is not of expected type: float/],
      [{ signature_name: "other", instances: [[1, 2, 3]] }, /signature name: "other" not found/],
      [{ instances: [{ y: [1, 2, 3] }] }, /keys must be equal to: x/],
    ];
    for (const [body, message] of cases) {
      const r = await request(url, { method: "POST", body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
      assert.match((r.body as { error: string }).error, message);
    }
    const multiRows = await request(`${multi.url}/v1/models/multi:predict`, {
      body: { instances: [[1, 2]] },
    });
    assert.equal(multiRows.status, 400);
    assert.match((multiRows.body as { error: string }).error, /expecting list of objects.*a,b/);
    for (const path of [
      "/v1/models/affine/labels/stable",
      "/v1/models/affine/labels/stable:predict",
    ]) {
      const r = await request(
        server.url + path,
        path.endsWith("predict") ? { body: { instances: [[1, 2, 3]] } } : {},
      );
      assert.equal(r.status, 400, path);
      assert.match(
        (r.body as { error: string }).error,
        /Unrecognized servable version label: stable/,
      );
    }
    const malformed = await request(`${server.url}/v1/models/affine/version/1:predict`, {
      body: "{}",
    });
    assert.equal(malformed.status, 400);
    assert.match((malformed.body as { error: string }).error, /Malformed request/);
  });

  it("404 for an unknown model or version, 413 over the body limit, 501 for classify / regress", async () => {
    const nf = await request(`${server.url}/v1/models/nope:predict`, {
      body: { instances: [[1, 2, 3]] },
    });
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.body, { error: "Servable not found for request: Latest(nope)" });
    const nv = await request(`${server.url}/v1/models/affine/versions/7:predict`, {
      body: { instances: [[1, 2, 3]] },
    });
    assert.equal(nv.status, 404);
    assert.match((nv.body as { error: string }).error, /Specific\(affine, 7\)/);
    for (const path of [
      "/v1/models/nope",
      "/v1/models/affine/versions/7",
      "/v1/models/nope/metadata",
    ]) {
      const r = await request(server.url + path);
      assert.equal(r.status, 404, path);
      assert.equal(typeof (r.body as { error: unknown }).error, "string");
    }
    const big = await request(`${server.url}/v1/models/affine:predict`, {
      body: JSON.stringify({ instances: Array.from({ length: 1000 }, () => [1, 2, 3]) }),
    });
    assert.equal(big.status, 413);
    assert.match((big.body as { error: string }).error, /limit is 4096 bytes/);
    for (const api of ["classify", "regress"]) {
      const r = await request(`${server.url}/v1/models/affine:${api}`, {
        body: { examples: [{ x: 1 }] },
      });
      assert.equal(r.status, 501);
      assert.match(
        (r.body as { error: string }).error,
        new RegExp(`:${api} is not supported.*:predict`),
      );
    }
  });

  it("/healthz answers ok; /metrics is Prometheus text with requests, latency and batch sizes", async () => {
    const h = await request(`${server.url}/healthz`);
    assert.equal(h.status, 200);
    assert.deepEqual(h.body, { status: "ok" });
    const m = await request(`${server.url}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.contentType ?? "", /^text\/plain; version=0\.0\.4/);
    const lines = m.text.trimEnd().split("\n");
    assert.ok(lines.includes("# TYPE strata_serve_requests_total counter"));
    assert.ok(
      lines.some((l) =>
        /^strata_serve_requests_total\{model="affine",api="predict",code="200"\} [1-9]\d*$/.test(l),
      ),
    );
    assert.ok(
      lines.some((l) =>
        /^strata_serve_requests_total\{model="affine",api="predict",code="400"\} [1-9]\d*$/.test(l),
      ),
    );
    assert.ok(
      lines.some((l) =>
        /^strata_serve_requests_total\{model="",api="predict",code="404"\} 1$/.test(l),
      ),
    );
    assert.ok(lines.includes("# TYPE strata_serve_request_duration_seconds histogram"));
    // Histogram buckets are cumulative and end at +Inf = _count.
    const buckets = lines
      .filter((l) => l.startsWith('strata_serve_request_duration_seconds_bucket{api="predict"'))
      .map((l) => Number(l.split(" ")[1]));
    assert.ok(buckets.every((v, i) => i === 0 || v >= buckets[i - 1]!));
    const count = lines.find((l) =>
      l.startsWith('strata_serve_request_duration_seconds_count{api="predict"}'),
    );
    assert.equal(Number(count!.split(" ")[1]), buckets.at(-1));
    assert.ok(lines.some((l) => /^strata_serve_batch_size_count \d+$/.test(l)));
    assert.ok(lines.some((l) => /^process_resident_memory_bytes \d+$/.test(l)));
    // Every sample line is NAME{labels} VALUE.
    for (const l of lines.filter((x) => !x.startsWith("#"))) {
      assert.match(l, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eInfNa]+$/, l);
    }
    const other = await request(`${server.url}/nothing`);
    assert.equal(other.status, 404);
    assert.match((other.body as { error: string }).error, /\/v1\/models\/NAME/);
  });
});
