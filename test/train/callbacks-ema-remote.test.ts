// The optimizer's EMA (useEma, emaMomentum, emaOverwriteFrequency, the averages left in the model
// after fit), SwapEMAWeights, and RemoteMonitor against a local HTTP server. References are the
// recorded raw weights averaged here in float64, and the HTTP bodies decoded here.
import assert from "node:assert/strict";
import { type IncomingMessage, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { Callback, RemoteMonitor, SwapEMAWeights } from "../../src/train/callbacks/index.js";
import { SGD } from "../../src/train/optimizers/index.js";
import { assertClose } from "../helpers.js";

const flat = (ws: unknown[]) => (ws as st.Tensor[]).flatMap((w) => Array.from(w.dataSync()));

/** Keras's EMA over recorded weights: the first step copies, later ones avg ← m·avg + (1 − m)·w. */
function emaOf(history: number[][], m: number): number[] {
  let avg = history[0]!.slice();
  for (const w of history.slice(1)) avg = avg.map((a, i) => m * a + (1 - m) * w[i]!);
  return avg;
}

function makeModel(opts: ConstructorParameters<typeof SGD>[1] = {}) {
  st.random.setSeed(5);
  const model = new Sequential([new layers.Dense(3, { inputShape: [2] }), new layers.Dense(1)]);
  model.compile({
    optimizer: new SGD(0.1, { useEma: true, emaMomentum: 0.8, ...opts }),
    loss: "mse",
  });
  const x = st.random.normal([12, 2], { seed: 3 });
  const y = st.random.normal([12, 1], { seed: 4 });
  return { model, x, y };
}

/** Records the model's weights at each hook it is given. */
class Recorder extends Callback {
  readonly seen: Record<string, number[][]> = {};
  private keep(hook: string) {
    (this.seen[hook] ??= []).push(flat(this.model!.getWeights()));
  }
  override onTrainBatchEnd() {
    this.keep("batch");
  }
  override onTestBegin() {
    this.keep("testBegin");
  }
  override onEpochBegin() {
    this.keep("epochBegin");
  }
  override onEpochEnd() {
    this.keep("epochEnd");
  }
}

describe("the optimizer's EMA (useEma)", () => {
  it("averages the weights as Keras does and fit leaves the averages in the model", async () => {
    const { model, x, y } = makeModel();
    const rec = new Recorder();
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      shuffle: false,
      callbacks: [rec],
    });
    assert.equal(rec.seen.batch!.length, 6);
    assertClose(flat(model.getWeights()), emaOf(rec.seen.batch!, 0.8), { rtol: 1e-5, atol: 1e-6 });
  });

  it("emaOverwriteFrequency puts the averages in the model every n steps", () => {
    const v = new st.Variable(st.tensor([1, -2]));
    const opt = new SGD(0.5, { useEma: true, emaMomentum: 0.5, emaOverwriteFrequency: 2 });
    const raw: number[][] = [];
    for (let t = 0; t < 2; t++) {
      const w = Array.from(v.value.dataSync());
      opt.apply([st.tensor([1, 3])], [v]);
      raw.push(w.map((wi, i) => wi - 0.5 * [1, 3][i]!));
    }
    // step 1: avg = w₁; step 2: avg = ½w₁ + ½w₂, then copied into the variable.
    assertClose(v.value, emaOf(raw, 0.5), { rtol: 1e-6 });
  });
});

describe("SwapEMAWeights", () => {
  it("evaluates on the averages during fit, and trains on the raw weights again after", async () => {
    const { model, x, y } = makeModel();
    const rec = new Recorder();
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      shuffle: false,
      validationData: [x, y],
      callbacks: [new SwapEMAWeights(), rec],
    });
    const batches = rec.seen.batch!;
    assertClose(rec.seen.testBegin![0]!, emaOf(batches.slice(0, 3), 0.8), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    assertClose(rec.seen.testBegin![1]!, emaOf(batches, 0.8), { rtol: 1e-5, atol: 1e-6 });
    // Swapped back after validation: epoch 2 starts from the raw weights of the third step.
    assert.deepEqual(rec.seen.epochBegin![1], batches[2]);
    assertClose(flat(model.getWeights()), emaOf(batches, 0.8), { rtol: 1e-5, atol: 1e-6 });
  });

  it("swapOnEpoch shows the averages at each epoch's end, and they stay after fit", async () => {
    const { model, x, y } = makeModel();
    const rec = new Recorder();
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      shuffle: false,
      callbacks: [new SwapEMAWeights({ swapOnEpoch: true }), rec],
    });
    const batches = rec.seen.batch!;
    assertClose(rec.seen.epochEnd![0]!, emaOf(batches.slice(0, 3), 0.8), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    assert.deepEqual(rec.seen.epochBegin![1], batches[2]);
    assertClose(flat(model.getWeights()), emaOf(batches, 0.8), { rtol: 1e-5, atol: 1e-6 });
  });

  it("evaluate and predict use the averages and restore the model's weights", async () => {
    const { model, x, y } = makeModel({ emaMomentum: 0.5 });
    const v = model.compiled!.optimizer.variables; // built by the first fit
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    // Make the averages differ from the weights: one more manual step leaves them apart.
    const opt = model.compiled!.optimizer as SGD;
    const pairs = opt.emaPairs;
    assert.ok(pairs.length > 0 && v.length > 0);
    opt.apply(
      pairs.map(([w]) => st.onesLike(w.value)),
      pairs.map(([w]) => w),
    );
    const before = flat(model.getWeights());
    const averages = pairs.flatMap(([, a]) => Array.from(a.value.dataSync()));
    assert.notDeepEqual(before, averages);
    const withSwap = (await model.predict(x, {
      verbose: 0,
      callbacks: [new SwapEMAWeights()],
    })) as st.Tensor;
    assert.deepEqual(flat(model.getWeights()), before);
    const plain = (await model.predict(x, { verbose: 0 })) as st.Tensor;
    pairs.forEach(([w, a]) => w.assign(a.value));
    assert.deepEqual(
      Array.from(withSwap.dataSync()),
      Array.from(((await model.predict(x, { verbose: 0 })) as st.Tensor).dataSync()),
    );
    assert.notDeepEqual(Array.from(withSwap.dataSync()), Array.from(plain.dataSync()));
  });

  it("refuses an optimizer without useEma, as Keras", async () => {
    st.random.setSeed(1);
    const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.ones([2, 2]);
    await assert.rejects(
      model.evaluate(x, st.ones([2, 1]), { verbose: 0, callbacks: [new SwapEMAWeights()] }),
      /useEma: true/,
    );
  });
});

// ---------------------------------------------------------------- RemoteMonitor

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

async function withServer(fn: (root: string, got: Received[]) => Promise<void>) {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      got.push({ path: req.url ?? "", headers: req.headers, body });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, got);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Python's json.loads for what RemoteMonitor sends (NaN included), decoded here. */
const pyJsonLoads = (s: string) =>
  JSON.parse(s.replace(/\bNaN\b/g, "null")) as Record<string, unknown>;

describe("RemoteMonitor", () => {
  it("POSTs each epoch's logs as a form field, written as Python's json.dumps", async () => {
    await withServer(async (root, got) => {
      const { model, x, y } = makeModel();
      const h = await model.fit(x, y, {
        epochs: 2,
        batchSize: 4,
        verbose: 0,
        callbacks: [new RemoteMonitor({ root, headers: { "X-Run": "r1" } })],
      });
      assert.equal(got.length, 2);
      got.forEach((r, epoch) => {
        assert.equal(r.path, "/publish/epoch/end/");
        assert.equal(r.headers["content-type"], "application/x-www-form-urlencoded");
        assert.equal(r.headers["x-run"], "r1");
        const form = new URLSearchParams(r.body);
        assert.deepEqual([...form.keys()], ["data"]);
        const text = form.get("data")!;
        assert.match(text, /^\{"epoch": \d, "loss": [0-9.e-]+\}$/);
        const sent = pyJsonLoads(text);
        assert.equal(sent.epoch, epoch);
        assert.equal(sent.loss, (h.history.loss as number[])[epoch]);
      });
    });
  });

  it("sendAsJson sends an application/json body to root + path; field names the form field", async () => {
    await withServer(async (root, got) => {
      const cb = new RemoteMonitor({ root, path: "/p", sendAsJson: true });
      await cb.onEpochEnd(3, { loss: 0.25, acc: 1e-5 });
      const form = new RemoteMonitor({ root, path: "/q", field: "payload" });
      await form.onEpochEnd(0, { loss: Number.NaN });
      assert.equal(got[0]!.path, "/p");
      assert.equal(got[0]!.headers["content-type"], "application/json");
      assert.equal(got[0]!.body, '{"epoch": 3, "loss": 0.25, "acc": 1e-05}');
      assert.equal(new URLSearchParams(got[1]!.body).get("payload"), '{"epoch": 0, "loss": NaN}');
      assert.equal(got[1]!.path, "/q");
    });
  });

  it("warns and goes on when the server cannot be reached", async () => {
    let port = 0;
    await withServer(async (root) => {
      port = Number(new URL(root).port);
    });
    const warned = new Promise<Error>((r) => process.once("warning", r));
    const cb = new RemoteMonitor({ root: `http://127.0.0.1:${port}` });
    await cb.onEpochEnd(0, { loss: 1 });
    const w = await warned;
    assert.match(w.message, /Could not reach RemoteMonitor root server at http:\/\/127\.0\.0\.1:/);
  });

  it("has Keras's defaults and refuses unknown options", () => {
    const cb = new RemoteMonitor();
    assert.deepEqual(
      [cb.root, cb.path, cb.field, cb.headers, cb.sendAsJson],
      ["http://localhost:9000", "/publish/epoch/end/", "data", null, false],
    );
    assert.throws(() => new RemoteMonitor({ sendAsJSON: true } as never), /sendAsJson/);
  });
});
