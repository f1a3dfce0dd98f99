// Dataset.fromGenerator over iterable objects: restartable ones give every pass, one-shot ones one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Input, Sequential, layers } from "../../src/index.js";

const { Dataset } = st.data;

async function values(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(e instanceof st.Tensor ? e.toArray() : e);
  return out;
}

describe("Dataset.fromGenerator over iterables", () => {
  it("takes an array, a Set or any restartable iterable, every pass", async () => {
    const ds = Dataset.fromGenerator([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(await values(ds), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(await values(ds), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(await values(Dataset.fromGenerator(new Set([5, 6]))), [5, 6]);
    const restartable = {
      async *[Symbol.asyncIterator]() {
        yield 7;
        yield 8;
      },
    };
    const asyncDs = Dataset.fromGenerator(restartable);
    assert.deepEqual(await values(asyncDs), [7, 8]);
    assert.deepEqual(await values(asyncDs), [7, 8]);
  });

  it("a one-shot generator object yields one pass; later passes are empty", async () => {
    function* gen() {
      yield 1;
      yield 2;
    }
    const ds = Dataset.fromGenerator(gen());
    assert.deepEqual(await values(ds), [1, 2]);
    assert.deepEqual(await values(ds), []);
    async function* agen() {
      yield 3;
    }
    const asyncDs = Dataset.fromGenerator(agen());
    assert.deepEqual(await values(asyncDs), [3]);
    assert.deepEqual(await values(asyncDs), []);
  });

  it("fit over a one-shot generator trains one epoch, warns and stops, as Keras", async () => {
    function* batches() {
      for (let i = 0; i < 2; i++) yield [st.ones([4, 3]), st.zeros([4, 1])];
    }
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense(1)]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(String(m));
    try {
      const history = await model.fit(Dataset.fromGenerator(batches()), { epochs: 3, verbose: 0 });
      assert.equal(history.history.loss!.length, 1);
    } finally {
      console.warn = warn;
    }
    assert.ok(warnings.some((w) => w.includes("ran out of data")));
  });

  it("rejects what is neither a function nor an iterable, naming it", () => {
    assert.throws(() => Dataset.fromGenerator(42 as never), {
      name: "ValueError",
      message: /generator function or an \(async\) iterable; received number/,
    });
    assert.throws(() => Dataset.fromGenerator(null as never), /received null/);
  });
});
