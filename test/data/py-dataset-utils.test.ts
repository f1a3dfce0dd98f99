/**
 * `st.utils.PyDataset` / `Sequence` (Keras's PyDataset contract inside fit / evaluate / predict),
 * `st.utils.normalize` (hand-computed norms) and `st.utils.Config`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";

/** Batches of 2 rows of y = x₀ + x₁, logging what the loops ask for. */
class SumBatches extends st.utils.PyDataset {
  readonly log: string[] = [];
  constructor(
    readonly batches: number,
    opts: st.utils.PyDatasetOptions = {},
  ) {
    super(opts);
  }
  override get length(): number {
    return this.batches;
  }
  getItem(index: number): [Tensor, Tensor] {
    this.log.push(`get ${index}`);
    const x = st.tensor([
      [index, 1],
      [index, 2],
    ]);
    return [x, st.tensor([[index + 1], [index + 2]])];
  }
  override onEpochBegin(): void {
    this.log.push("begin");
  }
  override onEpochEnd(): void {
    this.log.push("end");
  }
}

function model(): st.Model {
  const m = new st.Sequential([st.Input({ shape: [2] }), new st.layers.Dense(1)]);
  m.compile({ optimizer: "sgd", loss: "mse" });
  return m;
}

describe("PyDataset", () => {
  it("fit reads every batch once per epoch, between onEpochBegin and onEpochEnd", async () => {
    const data = new SumBatches(3);
    const history = await model().fit(data, { epochs: 2, verbose: 0, shuffle: false });
    assert.equal(history.history.loss!.length, 2);
    assert.deepEqual(data.log, [
      "begin",
      "get 0",
      "get 1",
      "get 2",
      "end",
      "begin",
      "get 0",
      "get 1",
      "get 2",
      "end",
    ]);
  });

  it("fit's shuffle reorders the batches each epoch (Keras's PyDatasetAdapter); evaluate keeps order", async () => {
    const data = new SumBatches(8);
    const m = model();
    await m.fit(data, { epochs: 2, verbose: 0 });
    const epochs = [data.log.slice(1, 9), data.log.slice(11, 19)];
    for (const e of epochs) {
      assert.deepEqual(
        [...e].sort(),
        Array.from({ length: 8 }, (_, i) => `get ${i}`),
      );
    }
    assert.notDeepEqual(epochs[0], epochs[1]);
    data.log.length = 0;
    const logs = (await m.evaluate(data, { verbose: 0 })) as Record<string, number>;
    assert.deepEqual(data.log, [
      "begin",
      ...Array.from({ length: 8 }, (_, i) => `get ${i}`),
      "end",
    ]);
    assert.ok(Number.isFinite(logs.loss));
  });

  it("predict joins the batches in order; steps stop early and still end the epoch", async () => {
    const data = new SumBatches(3);
    const m = model();
    const out = (await m.predict(data, { verbose: 0 })) as Tensor;
    assert.deepEqual(out.shape, [6, 1]);
    const direct = m.predictOnBatch(
      st.tensor([
        [0, 1],
        [0, 2],
        [1, 1],
        [1, 2],
        [2, 1],
        [2, 2],
      ]),
    ) as Tensor;
    assert.deepEqual(Array.from(out.dataSync()), Array.from(direct.dataSync()));
    data.log.length = 0;
    await m.predict(data, { verbose: 0, steps: 1 });
    assert.deepEqual(data.log, ["begin", "get 0", "end"]);
  });

  it("runs up to `workers` async getItem calls at once, yielding in order", async () => {
    let inFlight = 0;
    let most = 0;
    class Slow extends st.utils.Sequence {
      override get length(): number {
        return 6;
      }
      async getItem(i: number): Promise<[Tensor, Tensor]> {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5 * (6 - i)));
        inFlight--;
        return [st.tensor([[i, i]]), st.tensor([[i]])];
      }
    }
    const seen: number[] = [];
    for await (const item of new Slow({ workers: 3 })) {
      seen.push(((item as Tensor[])[1]!.dataSync()[0] as number) | 0);
    }
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
    assert.equal(most, 3);
  });

  it("endless datasets need stepsPerEpoch; bad options are refused", async () => {
    class Endless extends st.utils.PyDataset {
      getItem(i: number): [Tensor, Tensor] {
        return [st.tensor([[i, 0]]), st.tensor([[i]])];
      }
    }
    const endless = new Endless();
    assert.equal(endless.numBatches, null);
    await assert.rejects(model().fit(endless, { epochs: 1, verbose: 0 }), /stepsPerEpoch/);
    const h = await model().fit(endless, { epochs: 2, stepsPerEpoch: 2, verbose: 0 });
    assert.equal(h.history.loss!.length, 2);
    assert.throws(() => new SumBatches(1, { useMultiprocessing: true }), /useMultiprocessing/);
    assert.throws(() => new SumBatches(1, { workers: 0 }), /workers/);
    assert.throws(() => new SumBatches(1, { wrokers: 2 } as never), /unknown option "wrokers"/);
  });
});

describe("utils.normalize", () => {
  it("divides by the L2 norm of the last axis (hand-computed)", () => {
    const out = st.utils.normalize([
      [3, 4],
      [0, 0],
    ]);
    assert.deepEqual(Array.from(out.dataSync()), [0.6, 0.8, 0, 0]);
    const t = st.utils.normalize(st.tensor([[3, 4]]));
    assert.ok(Math.abs(t.dataSync()[0]! - 0.6) < 1e-6 && Math.abs(t.dataSync()[1]! - 0.8) < 1e-6);
  });

  it("takes axis and order, and axis null for the whole array", () => {
    const l1 = st.utils.normalize(
      [
        [1, 3],
        [1, 1],
      ],
      0,
      1,
    );
    // column sums of |x|: [2, 4]
    assert.deepEqual(Array.from(l1.dataSync()), [0.5, 0.75, 0.5, 0.25]);
    const all = st.utils.normalize([1, 2, 2], null);
    assert.deepEqual(
      Array.from(all.dataSync()).map((v) => Math.round(v * 1e6) / 1e6),
      [0.333333, 0.666667, 0.666667],
    );
    assert.throws(() => st.utils.normalize([1], -1, 0), /order/);
  });
});

describe("utils.Config", () => {
  it("reads and writes settings as attributes and as a dictionary", () => {
    const config = new st.utils.Config({ learningRate: 1e-3, momentum: 0.9 });
    assert.equal(config.learningRate, 1e-3);
    config.momentum = 0.5;
    config.seed = 42;
    assert.equal(config.get("momentum"), 0.5);
    assert.equal(config.get("missing", "x"), "x");
    assert.equal(config.length, 3);
    assert.deepEqual([...config], ["learningRate", "momentum", "seed"]);
    assert.equal(config.toJson(), '{"learningRate":0.001,"momentum":0.5,"seed":42}');
    assert.ok("seed" in config);
    assert.equal(config.pop("seed"), 42);
    config.update({ extra: true });
    assert.deepEqual(config.asDict(), { learningRate: 1e-3, momentum: 0.5, extra: true });
    assert.throws(
      () => config.learningRat,
      /Unknown attribute: 'learningRat'. Did you mean 'learningRate'\?/,
    );
  });

  it("refuses changes while frozen", () => {
    const config = new st.utils.Config({ a: 1 });
    config.freeze();
    assert.equal(config.frozen, true);
    assert.throws(() => (config.a = 2), /frozen/);
    assert.throws(() => config.update({ b: 1 }), /frozen/);
    assert.throws(() => config.pop("a"), /frozen/);
    config.unfreeze();
    config.a = 2;
    assert.equal(config.a, 2);
  });
});
