// ImageDataGenerator.flow as Keras's NumpyArrayIterator: endless epochs of batches, Keras's seeded
// order (NumPy's permutation for seed + batches served), subsets from validationSplit, and
// model.fit over the iterator with stepsPerEpoch.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { ImageDataGenerator } = st.preprocessing.image;

/** n images of 2×2×1 whose pixels all equal the sample's index, and labels 100 + index. */
function indexed(n: number): { x: st.Tensor; y: st.Tensor } {
  const x = st.tensor(
    Array.from({ length: n }, (_, i) => [
      [[i], [i]],
      [[i], [i]],
    ]),
  );
  const y = st.tensor(Array.from({ length: n }, (_, i) => 100 + i));
  return { x, y };
}

/** The sample index of each image in a batch (its first pixel). */
const ids = (x: st.Tensor): number[] => {
  const d = x.dataSync();
  const per = d.length / x.shape[0]!;
  return Array.from({ length: x.shape[0]! }, (_, i) => d[i * per]!);
};

async function take(it: AsyncIterator<unknown>, k: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < k; i++) out.push((await it.next()).value);
  return out;
}

describe("ImageDataGenerator.flow", () => {
  it("yields [x, y] batches in order without shuffling, endlessly, with a short last batch", async () => {
    const { x, y } = indexed(10);
    const it = new ImageDataGenerator().flow(x, y, { batchSize: 4, shuffle: false });
    assert.equal(it.length, 3, "Keras len(iterator): batches per epoch");
    assert.equal(it.n, 10);
    const batches = (await take(it, 4)) as [st.Tensor, st.Tensor][];
    assert.deepEqual(
      batches.map(([bx]) => bx.shape),
      [
        [4, 2, 2, 1],
        [4, 2, 2, 1],
        [2, 2, 2, 1],
        [4, 2, 2, 1],
      ],
    );
    assert.deepEqual(
      batches.map(([bx]) => ids(bx)),
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
        [0, 1, 2, 3],
      ],
    );
    assert.deepEqual(Array.from(batches[1]![1].dataSync()), [104, 105, 106, 107]);
    assert.equal(batches[0]![0].dtype, "float32");
  });

  it("is its own async iterator: a loop that breaks leaves it where it stopped", async () => {
    const { x } = indexed(5);
    const it = new ImageDataGenerator().flow(x, null, { batchSize: 2, shuffle: false });
    let seen = 0;
    for await (const bx of it) {
      // Without y a batch is the images alone, as Keras.
      assert.ok(bx instanceof st.Tensor);
      if (++seen === 2) break;
    }
    const [third] = (await take(it, 1)) as st.Tensor[];
    assert.deepEqual(ids(third!), [4]);
  });

  it("shuffles each epoch in Keras's seeded order", async () => {
    const { x, y } = indexed(10);
    const it = new ImageDataGenerator().flow(x, y, { batchSize: 4, seed: 5 });
    const got = ((await take(it, 6)) as [st.Tensor, st.Tensor][]).map(([bx]) => ids(bx));
    // NumPy: seed(5) → permutation(10) = [9 5 2 4 7 1 0 8 6 3]; the second epoch starts at the
    // fourth batch, seed(5 + 3) → [8 6 9 0 2 5 7 1 4 3].
    assert.deepEqual(got, [
      [9, 5, 2, 4],
      [7, 1, 0, 8],
      [6, 3],
      [8, 6, 9, 0],
      [2, 5, 7, 1],
      [4, 3],
    ]);
    const again = new ImageDataGenerator().flow(x, y, { batchSize: 4, seed: 5 });
    const [[first]] = (await take(again, 1)) as [[st.Tensor, st.Tensor]];
    assert.deepEqual(ids(first!), [9, 5, 2, 4]);
  });

  it("normalizes each image on its own in a batch (samplewise), in channels_first too", async () => {
    const x = st.tensor([
      [[[0, 2]], [[4, 6]]],
      [[[10, 30]], [[50, 70]]],
    ]); // [2, 2, 1, 2] channels_last
    const g = new ImageDataGenerator({ samplewiseCenter: true });
    const [a] = (await take(g.flow(x, null, { shuffle: false }), 1)) as st.Tensor[];
    assert.deepEqual(Array.from(a!.dataSync()), [-3, -1, 1, 3, -30, -10, 10, 30]);
    const cf = new ImageDataGenerator({
      samplewiseCenter: true,
      dataFormat: "channels_first",
      verticalFlip: true,
    });
    const xcf = st.ops.transpose(x, [0, 3, 1, 2]); // [2, 2, 2, 1]
    const [b] = (await take(cf.flow(xcf, null, { shuffle: false, seed: 2 }), 1)) as st.Tensor[];
    assert.deepEqual(b!.shape, [2, 2, 2, 1]);
    // NumPy seed 2: random() draws 0.436, 0.026 | 0.550, 0.435: the second draw of each image is
    // the vertical flip, so both images are flipped upside down.
    assert.deepEqual(b!.toArray(), [
      [
        [[1], [-3]],
        [[3], [-1]],
      ],
      [
        [[10], [-30]],
        [[30], [-10]],
      ],
    ]);
  });

  it("returns sample weights as a third element", async () => {
    const { x, y } = indexed(3);
    const it = new ImageDataGenerator().flow(x, y, {
      batchSize: 3,
      shuffle: false,
      sampleWeight: st.tensor([0.5, 1, 2]),
    });
    const [batch] = (await take(it, 1)) as st.Tensor[][];
    assert.equal(batch!.length, 3);
    assert.deepEqual(Array.from(batch![2]!.dataSync()), [0.5, 1, 2]);
  });

  it("augments and normalizes each image of a batch", async () => {
    // A 1×3 image per sample; horizontal flips only, seeded: each image is either itself or reversed.
    const x = st.tensor(Array.from({ length: 6 }, (_, i) => [[[i], [10 + i], [20 + i]]]));
    const g = new ImageDataGenerator({ horizontalFlip: true, rescale: 0.5 });
    const it = g.flow(x, null, { batchSize: 6, shuffle: false, seed: 2 });
    const [bx] = (await take(it, 1)) as st.Tensor[];
    const rows = bx!.toArray() as number[][][][];
    // Keras with seed 2 flips images 0, 2, 3 and 4 (NumPy: random() < 0.5 at every other draw).
    const flips = [true, false, true, true, true, false];
    rows.forEach((img, i) => {
      const plain = [i / 2, (10 + i) / 2, (20 + i) / 2];
      assert.deepEqual(
        img[0]!.map((p) => p[0]!),
        flips[i] ? [...plain].reverse() : plain,
      );
    });
  });

  it("splits subsets by validationSplit: the first part is validation, the rest training", async () => {
    const { x } = indexed(10);
    const y = st.tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const g = new ImageDataGenerator({ validationSplit: 0.3 });
    const train = g.flow(x, y, { batchSize: 10, shuffle: false, subset: "training" });
    const val = g.flow(x, y, { batchSize: 10, shuffle: false, subset: "validation" });
    assert.equal(train.n, 7);
    assert.equal(val.n, 3);
    const [[tx]] = (await take(train, 1)) as [[st.Tensor, st.Tensor]];
    const [[vx]] = (await take(val, 1)) as [[st.Tensor, st.Tensor]];
    assert.deepEqual(ids(tx!), [3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(ids(vx!), [0, 1, 2]);
    // Sorted labels put different classes on each side: Keras's error, unless ignoreClassSplit.
    const sorted = st.tensor([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    assert.throws(
      () => g.flow(x, sorted, { subset: "validation" }),
      /different numbers of classes/,
    );
    assert.equal(g.flow(x, sorted, { subset: "validation", ignoreClassSplit: true }).n, 3);
    assert.throws(() => g.flow(x, y, { subset: "test" as "training" }), /subset.*test/);
  });

  it("rejects mismatched lengths and ranks", () => {
    const g = new ImageDataGenerator();
    assert.throws(
      () => g.flow(st.zeros([3, 2, 2, 1]), st.zeros([4])),
      /same length.*\[3, 2, 2, 1\].*\[4\]/,
    );
    assert.throws(() => g.flow(st.zeros([3, 2, 2])), /rank 4/);
    assert.throws(() => g.flow(st.zeros([3, 2, 2, 1]), null, { batchSize: 0 }), /batchSize/);
    assert.throws(
      () => g.flow(st.zeros([3, 2, 2, 1]), null, { batch_size: 2 } as object),
      /unknown option 'batch_size'/,
    );
  });

  it("feeds model.fit for an epoch of stepsPerEpoch batches", async () => {
    const n = 12;
    const x = st.tensor(
      Array.from({ length: n }, (_, i) => [[[i % 2]], [[1 - (i % 2)]]]), // [n, 2, 1, 1]
    );
    const y = st.tensor(Array.from({ length: n }, (_, i) => i % 2));
    const model = new st.Sequential([
      new st.layers.Flatten({ inputShape: [2, 1, 1] }),
      new st.layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: "sgd", loss: "binary_crossentropy" });
    const g = new ImageDataGenerator({ verticalFlip: false, rescale: 1 });
    const it = g.flow(x, y, { batchSize: 4, seed: 3 });
    const h = await model.fit(it, { epochs: 2, stepsPerEpoch: it.length, verbose: 0 });
    assert.equal(h.history.loss!.length, 2);
    assert.ok(Number.isFinite(h.history.loss![1]));
    assert.equal(model.optimizer!.iterations, 6, "3 steps per epoch");
    assert.equal(it.totalBatchesSeen, 6);
  });

  it("serves as fit's validationData with validationSteps, as the book's generators", async () => {
    const x = st.tensor(Array.from({ length: 8 }, (_, i) => [[[i % 2]], [[1 - (i % 2)]]]));
    const y = st.tensor(Array.from({ length: 8 }, (_, i) => i % 2));
    const model = new st.Sequential([
      new st.layers.Flatten({ inputShape: [2, 1, 1] }),
      new st.layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: "sgd", loss: "binary_crossentropy", metrics: ["accuracy"] });
    const g = new ImageDataGenerator({ validationSplit: 0.5 });
    const train = g.flow(x, y, { batchSize: 2, subset: "training", seed: 1 });
    const val = g.flow(x, y, { batchSize: 2, subset: "validation", shuffle: false });
    const h = await model.fit(train, {
      epochs: 2,
      stepsPerEpoch: train.length,
      validationData: val,
      validationSteps: val.length,
      verbose: 0,
    });
    assert.equal(h.history.val_loss!.length, 2);
    assert.ok(h.history.val_accuracy!.every((a) => a >= 0 && a <= 1));
  });
});
