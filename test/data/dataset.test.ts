// st.data.Dataset with tf.data's semantics: sources, transformations, cardinality, errors, fit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { Callback } from "../../src/train/callbacks/callback.js";

const { Dataset, AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY } = st.data;

/** Every element of a pass, with tensors as nested arrays. */
async function values(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}

function plain(x: unknown): unknown {
  if (x instanceof st.Tensor) return x.toArray();
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === "object" && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Dataset sources", () => {
  it("fromTensorSlices slices a tensor along its first axis", async () => {
    const ds = Dataset.fromTensorSlices(st.tensor([1, 2, 3, 4, 5, 6], [3, 2]));
    assert.deepEqual(await values(ds), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.equal(ds.cardinality(), 3);
  });

  it("fromTensorSlices takes tuples, name-keyed objects and plain number arrays", async () => {
    const x = st.tensor([1, 2, 3, 4], [2, 2]);
    const y = st.tensor([7, 8], [2], "int32");
    assert.deepEqual(await values(Dataset.fromTensorSlices([x, y])), [
      [[1, 2], 7],
      [[3, 4], 8],
    ]);
    const named = Dataset.fromTensorSlices({ a: x, b: { c: y } });
    assert.deepEqual(await values(named), [
      { a: [1, 2], b: { c: 7 } },
      { a: [3, 4], b: { c: 8 } },
    ]);
    assert.deepEqual(
      await values(
        Dataset.fromTensorSlices([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    const pair = Dataset.fromTensorSlices([[1, 2, 3], st.tensor([4, 5, 6])]);
    assert.deepEqual(await values(pair), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("fromTensorSlices names the shapes when first dimensions differ", () => {
    assert.throws(
      () => Dataset.fromTensorSlices([st.zeros([3, 2]), st.zeros([4])]),
      (e: Error) => e instanceof st.ValueError && /\[3,2\], \[4\]/.test(e.message),
    );
    assert.throws(() => Dataset.fromTensorSlices(st.tensor(5)), st.ValueError);
  });

  it("range follows Python's range", async () => {
    assert.deepEqual(await values(Dataset.range(4)), [0, 1, 2, 3]);
    assert.deepEqual(await values(Dataset.range(2, 9, 3)), [2, 5, 8]);
    assert.deepEqual(await values(Dataset.range(5, 1, -2)), [5, 3]);
    assert.equal(Dataset.range(2, 9, 3).cardinality(), 3);
    assert.equal(Dataset.range(5, 1).cardinality(), 0);
    assert.throws(() => Dataset.range(0, 3, 0), /step=0/);
  });

  it("fromGenerator calls a fresh (sync or async) generator each pass", async () => {
    let calls = 0;
    const ds = Dataset.fromGenerator(function* () {
      calls++;
      yield [1, 2];
      yield [3, 4];
    });
    assert.deepEqual(await values(ds), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(await values(ds), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(calls, 2);
    const asyncDs = Dataset.fromGenerator(async function* () {
      for (let i = 0; i < 3; i++) {
        await sleep(1);
        yield { x: st.tensor([i]), y: i * 10 };
      }
    });
    assert.deepEqual(await values(asyncDs), [
      { x: [0], y: 0 },
      { x: [1], y: 10 },
      { x: [2], y: 20 },
    ]);
    assert.equal(asyncDs.cardinality(), UNKNOWN_CARDINALITY);
  });
});

describe("Dataset transformations", () => {
  it("batch stacks components along a new first axis; dropRemainder drops the short batch", async () => {
    const x = st.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [5, 2]);
    const ds = Dataset.fromTensorSlices([x, st.tensor([0, 1, 2, 3, 4])]);
    assert.deepEqual(await values(ds.batch(2)), [
      [
        [
          [0, 1],
          [2, 3],
        ],
        [0, 1],
      ],
      [
        [
          [4, 5],
          [6, 7],
        ],
        [2, 3],
      ],
      [[[8, 9]], [4]],
    ]);
    assert.equal(ds.batch(2).cardinality(), 3);
    assert.equal(ds.batch(2, { dropRemainder: true }).cardinality(), 2);
    assert.equal((await values(ds.batch(2, { dropRemainder: true }))).length, 2);
  });

  it("unbatch undoes batch", async () => {
    const ds = Dataset.fromTensorSlices({ a: st.arange(5) }).batch(2);
    assert.deepEqual(await values(ds.unbatch()), [
      { a: 0 },
      { a: 1 },
      { a: 2 },
      { a: 3 },
      { a: 4 },
    ]);
    assert.equal(ds.unbatch().cardinality(), UNKNOWN_CARDINALITY);
  });

  it("shuffle gives seeded permutations, new each pass unless reshuffleEachIteration is false", async () => {
    const n = 20;
    const order = async (ds: AsyncIterable<unknown>) => (await values(ds)) as number[];
    const ds = Dataset.range(n).shuffle(n, { seed: 3 });
    const first = await order(ds);
    const second = await order(ds);
    const sorted = Array.from({ length: n }, (_, i) => i);
    assert.deepEqual(
      [...first].sort((a, b) => a - b),
      sorted,
    );
    assert.deepEqual(
      [...second].sort((a, b) => a - b),
      sorted,
    );
    assert.notDeepEqual(first, sorted);
    assert.notDeepEqual(first, second);
    // The same seed gives the same passes.
    const again = Dataset.range(n).shuffle(n, { seed: 3 });
    assert.deepEqual(await order(again), first);
    assert.deepEqual(await order(again), second);
    const fixed = Dataset.range(n).shuffle(n, { seed: 3, reshuffleEachIteration: false });
    assert.deepEqual(await order(fixed), await order(fixed));
    // Without a seed, setSeed fixes the order.
    st.random.setSeed(5);
    const a = await order(Dataset.range(n).shuffle(8));
    st.random.setSeed(5);
    assert.deepEqual(await order(Dataset.range(n).shuffle(8)), a);
    assert.equal(ds.cardinality(), n);
  });

  it("shuffle with a small buffer only moves elements forward by less than the buffer", async () => {
    const out = (await values(Dataset.range(30).shuffle(4, { seed: 1 }))) as number[];
    assert.deepEqual(
      [...out].sort((a, b) => a - b),
      [...Array(30).keys()],
    );
    // The i-th output is one of the first i + 4 inputs.
    out.forEach((v, i) => assert.ok(v < i + 4, `${v} at ${i}`));
  });

  it("map applies sync and async functions and keeps order with parallel calls", async () => {
    const ds = Dataset.range(6);
    assert.deepEqual(await values(ds.map((x) => x.mul(2))), [0, 2, 4, 6, 8, 10]);
    let running = 0;
    let most = 0;
    const slow = async (x: st.Tensor) => {
      running++;
      most = Math.max(most, running);
      // Early elements finish last.
      await sleep(2 + (6 - (x.item() as number)) * 3);
      running--;
      return x.add(100);
    };
    assert.deepEqual(
      await values(ds.map(slow, { numParallelCalls: 3 })),
      [100, 101, 102, 103, 104, 105],
    );
    assert.equal(most, 3);
    most = 0;
    assert.deepEqual(
      await values(ds.map(slow, { numParallelCalls: AUTOTUNE })),
      [100, 101, 102, 103, 104, 105],
    );
    assert.ok(most > 1);
    assert.equal(ds.map(slow).cardinality(), 6);
  });

  it("map over tuples destructures the element", async () => {
    const ds = Dataset.fromTensorSlices([st.tensor([1, 2]), st.tensor([3, 4])]);
    assert.deepEqual(await values(ds.map(([x, y]) => [x.add(y), y])), [
      [4, 3],
      [6, 4],
    ]);
  });

  it("filter keeps elements whose predicate is true (boolean or scalar tensor)", async () => {
    const ds = Dataset.range(10);
    assert.deepEqual(await values(ds.filter((x) => (x.item() as number) % 3 === 0)), [0, 3, 6, 9]);
    assert.deepEqual(await values(ds.filter((x) => st.ops.greater(x, 6))), [7, 8, 9]);
    assert.equal(ds.filter(() => true).cardinality(), UNKNOWN_CARDINALITY);
  });

  it("repeat, take and skip", async () => {
    const ds = Dataset.range(3);
    assert.deepEqual(await values(ds.repeat(2)), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(await values(ds.repeat().take(7)), [0, 1, 2, 0, 1, 2, 0]);
    assert.deepEqual(await values(ds.skip(1)), [1, 2]);
    assert.deepEqual(await values(ds.skip(5)), []);
    assert.deepEqual(await values(ds.take(0)), []);
    assert.equal(ds.repeat(2).cardinality(), 6);
    assert.equal(ds.repeat().cardinality(), INFINITE_CARDINALITY);
    assert.equal(ds.repeat(-1).cardinality(), INFINITE_CARDINALITY);
    assert.equal(ds.repeat().take(7).cardinality(), 7);
    assert.equal(ds.take(10).cardinality(), 3);
    assert.equal(ds.skip(1).cardinality(), 2);
    assert.equal(ds.skip(5).cardinality(), 0);
    assert.equal(ds.repeat().skip(2).cardinality(), INFINITE_CARDINALITY);
    assert.equal(
      ds
        .filter(() => true)
        .take(2)
        .cardinality(),
      UNKNOWN_CARDINALITY,
    );
    // Repeating an empty dataset forever ends.
    assert.deepEqual(await values(Dataset.range(0).repeat()), []);
  });

  it("zip (static and method), concatenate and enumerate", async () => {
    const a = Dataset.range(3);
    const b = Dataset.range(10, 14);
    assert.deepEqual(await values(Dataset.zip([a, b])), [
      [0, 10],
      [1, 11],
      [2, 12],
    ]);
    assert.deepEqual(await values(a.zip(b)), await values(Dataset.zip([a, b])));
    assert.deepEqual(await values(Dataset.zip({ p: a, q: b })), [
      { p: 0, q: 10 },
      { p: 1, q: 11 },
      { p: 2, q: 12 },
    ]);
    assert.equal(Dataset.zip([a, b]).cardinality(), 3);
    assert.equal(Dataset.zip([a, b.repeat()]).cardinality(), 3);
    assert.equal(Dataset.zip([a, a.filter(() => true)]).cardinality(), UNKNOWN_CARDINALITY);
    assert.deepEqual(await values(a.concatenate(b)), [0, 1, 2, 10, 11, 12, 13]);
    assert.equal(a.concatenate(b).cardinality(), 7);
    assert.equal(a.concatenate(b.repeat()).cardinality(), INFINITE_CARDINALITY);
    assert.deepEqual(await values(b.enumerate()), [
      [0, 10],
      [1, 11],
      [2, 12],
      [3, 13],
    ]);
    assert.deepEqual(await values(b.take(2).enumerate(5)), [
      [5, 10],
      [6, 11],
    ]);
    assert.equal(b.enumerate().cardinality(), 4);
  });

  it("cache fills on the first complete pass and replays it", async () => {
    let produced = 0;
    const ds = Dataset.fromGenerator(function* () {
      for (let i = 0; i < 4; i++) {
        produced++;
        yield i;
      }
    }).cache();
    assert.deepEqual(await values(ds.take(2)), [0, 1]); // a partial pass caches nothing
    assert.deepEqual(await values(ds), [0, 1, 2, 3]);
    const before = produced;
    assert.deepEqual(await values(ds), [0, 1, 2, 3]);
    assert.equal(produced, before);
    // cache keeps the first pass of a shuffle: later passes repeat its order.
    const shuffled = Dataset.range(10).shuffle(10, { seed: 2 }).cache();
    assert.deepEqual(await values(shuffled), await values(shuffled));
    assert.equal(Dataset.range(5).cache().cardinality(), 5);
    assert.throws(() => Dataset.range(5).cache(7 as never), /filename must be a string/);
  });

  it("prefetch produces elements ahead of the consumer, bounded by the buffer", async () => {
    let produced = 0;
    const source = Dataset.fromGenerator(async function* () {
      for (let i = 0; i < 10; i++) {
        produced++;
        yield i;
      }
    });
    const it = source.prefetch(3)[Symbol.asyncIterator]();
    assert.equal(plain((await it.next()).value), 0);
    await sleep(5); // the consumer is busy with the first element
    assert.equal(produced, 4); // the first plus three ahead, no more
    assert.equal(plain((await it.next()).value), 1);
    await it.return?.();
    // Without prefetch nothing runs ahead.
    produced = 0;
    const plainIt = source[Symbol.asyncIterator]();
    await plainIt.next();
    await sleep(5);
    assert.equal(produced, 1);
    await plainIt.return?.();
    assert.deepEqual(await values(Dataset.range(6).prefetch(AUTOTUNE)), [0, 1, 2, 3, 4, 5]);
    assert.equal(Dataset.range(6).prefetch(2).cardinality(), 6);
  });

  it("a pipeline: shuffle, map, batch, prefetch", async () => {
    const x = st.arange(12).reshape([6, 2]);
    const y = st.arange(6);
    const ds = Dataset.fromTensorSlices([x, y])
      .shuffle(6, { seed: 4 })
      .map(async ([a, b]) => [a.mul(10), b], { numParallelCalls: 2 })
      .batch(4)
      .prefetch(1);
    assert.equal(ds.cardinality(), 2);
    const got = (await values(ds)) as [number[][], number[]][];
    assert.deepEqual(
      got.map(([, b]) => b.length),
      [4, 2],
    );
    for (const [a, b] of got) b.forEach((v, i) => assert.deepEqual(a[i], [v * 20, v * 20 + 10]));
  });
});

describe("Dataset errors", () => {
  it("names the option and the value", () => {
    const ds = Dataset.range(4);
    assert.throws(() => ds.batch(0), /batchSize=0/);
    assert.throws(() => ds.batch(2.5), /batchSize=2.5/);
    assert.throws(() => ds.batch(2, { drop: true } as never), /unknown option drop/);
    assert.throws(() => ds.shuffle(0), /bufferSize=0/);
    assert.throws(() => ds.shuffle(4, { sed: 1 } as never), /unknown option sed/);
    assert.throws(() => ds.take(-2), /count=-2/);
    assert.throws(() => ds.skip(-1), /count=-1/);
    assert.throws(() => ds.repeat(-3), /count=-3/);
    assert.throws(() => ds.map((x) => x, { numParallelCalls: 0 }), /numParallelCalls=0/);
    assert.throws(() => ds.prefetch(-4), /bufferSize=-4/);
    for (const f of [() => ds.batch(0), () => ds.take(-2)]) assert.throws(f, st.ValueError);
  });

  it("batching elements of different shapes names both", async () => {
    const ds = Dataset.fromGenerator(function* () {
      yield [1, 2];
      yield [3];
    }).batch(2);
    await assert.rejects(values(ds), /\[2\] and \[1\]/);
  });

  it("an error in a parallel map reaches the consumer", async () => {
    const ds = Dataset.range(5).map(
      async (x) => {
        if (x.item() === 3) throw new Error("bad element");
        return x;
      },
      { numParallelCalls: 4 },
    );
    await assert.rejects(values(ds.prefetch(2)), /bad element/);
  });
});

describe("fit, evaluate and predict on a Dataset", () => {
  it("trains a Dense model; cardinality gives the progress total", async () => {
    st.random.setSeed(7);
    const n = 32;
    const x = st.random.normal([n, 3], { seed: 1 });
    const y = st.ops.matmul(x, st.tensor([[1], [-2], [0.5]])).add(0.3);
    const ds = Dataset.fromTensorSlices([x, y]).shuffle(n, { seed: 2 }).batch(8).prefetch(AUTOTUNE);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: new st.optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
    const seen: (number | null)[] = [];
    let batches = 0;
    class Watch extends Callback {
      override onTrainBegin(): void {
        seen.push(this.params.steps);
      }
      override onBatchEnd(): void {
        batches++;
      }
    }
    const history = await model.fit(ds, { epochs: 2, verbose: 0, callbacks: [new Watch()] });
    const loss = history.history.loss!;
    assert.equal(loss.length, 2);
    assert.ok(loss[1]! < loss[0]!, `loss ${loss}`);
    assert.deepEqual(seen, [4]);
    assert.equal(batches, 8);
    const logs = await model.evaluate(ds, { verbose: 0 });
    assert.ok(logs.loss! < loss[0]!);
    const pred = (await model.predict(Dataset.fromTensorSlices(x).batch(8), {
      verbose: 0,
    })) as st.Tensor;
    assert.deepEqual(pred.shape, [n, 1]);
    assert.deepEqual(
      Array.from(pred.dataSync()),
      Array.from(((await model.predict(x, { verbose: 0 })) as st.Tensor).dataSync()),
    );
  });

  it("takes [x, y, sampleWeight] batches as Keras does", async () => {
    st.random.setSeed(3);
    const x = st.random.normal([8, 2], { seed: 4 });
    const y = st.random.normal([8, 1], { seed: 5 });
    const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const w = st.tensor([1, 1, 1, 1, 0, 0, 0, 0]);
    const weighted = await model.evaluate(Dataset.fromTensorSlices([x, y, w]).batch(4), {
      verbose: 0,
    });
    const firstHalf = await model.evaluate(Dataset.fromTensorSlices([x, y]).take(4).batch(4), {
      verbose: 0,
    });
    assert.ok(
      Math.abs(weighted.loss! - firstHalf.loss! / 2) < 1e-5,
      `${weighted.loss} ${firstHalf.loss}`,
    );
  });

  it("exports tf.data's constants", () => {
    assert.equal(INFINITE_CARDINALITY, -1);
    assert.equal(UNKNOWN_CARDINALITY, -2);
    assert.equal(AUTOTUNE, -1);
  });
});
