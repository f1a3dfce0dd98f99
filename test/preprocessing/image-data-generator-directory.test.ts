// ImageDataGenerator.flowFromDirectory as Keras's legacy DirectoryIterator, on small PNGs written
// here with sharp: Keras's file order and class indices, labels for every classMode, colour modes,
// per-class validation subsets, augmentation, errors, and model.fit over the iterator.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import * as st from "../../src/index.js";

const { ImageDataGenerator } = st.preprocessing.image;

let root = "";
const H = 4;
const W = 6;

/** Writes an H×W RGB PNG whose every pixel is (v, v + 1, v + 2). */
async function png(path: string, v: number): Promise<void> {
  const data = Buffer.alloc(H * W * 3);
  for (let i = 0; i < H * W; i++) data.set([v, v + 1, v + 2], i * 3);
  await sharp(data, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toFile(path);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "strata-idg-"));
  mkdirSync(join(root, "dogs", "puppies"), { recursive: true });
  mkdirSync(join(root, "cats"));
  mkdirSync(join(root, "birds")); // an empty class, as Keras allows
  await png(join(root, "cats", "b.png"), 20);
  await png(join(root, "cats", "a.png"), 10);
  await png(join(root, "cats", "c.png"), 30);
  await png(join(root, "dogs", "x.png"), 100);
  await png(join(root, "dogs", "puppies", "p.png"), 110);
  await png(join(root, "dogs", "y.PNG"), 120);
  writeFileSync(join(root, "dogs", "notes.txt"), "not an image");
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The red value of each image's first pixel. */
const firstRed = (x: st.Tensor): number[] => {
  const d = x.dataSync();
  const per = d.length / x.shape[0]!;
  return Array.from({ length: x.shape[0]! }, (_, i) => d[i * per]!);
};

const quiet = { verbose: false } as const;

describe("ImageDataGenerator.flowFromDirectory", () => {
  it("lists classes and files in Keras's order and prints what it found", (t) => {
    const log = t.mock.method(console, "log", () => {});
    const it = new ImageDataGenerator().flowFromDirectory(root, { targetSize: [H, W] });
    assert.match(
      String(log.mock.calls[0]!.arguments[0]),
      /Found 6 images belonging to 3 classes\./,
    );
    assert.deepEqual(it.classIndices, { birds: 0, cats: 1, dogs: 2 });
    // Each class folder's walk: the folder's own files (sorted), then its subfolders'.
    assert.deepEqual(it.filenames, [
      "cats/a.png",
      "cats/b.png",
      "cats/c.png",
      "dogs/x.png",
      "dogs/y.PNG",
      "dogs/puppies/p.png",
    ]);
    assert.deepEqual(Array.from(it.classes), [1, 1, 1, 2, 2, 2]);
    assert.equal(it.samples, 6);
    assert.equal(it.length, 1, "batchSize 32 by default");
    assert.equal(it.filepaths[0], join(root, "cats", "a.png"));
  });

  it("yields float32 image batches with one-hot labels (categorical)", async () => {
    const it = new ImageDataGenerator().flowFromDirectory(root, {
      ...quiet,
      targetSize: [H, W],
      batchSize: 4,
      shuffle: false,
    });
    const [x, y] = (await it.next()).value as [st.Tensor, st.Tensor];
    assert.deepEqual(x.shape, [4, H, W, 3]);
    assert.equal(x.dtype, "float32");
    assert.deepEqual(firstRed(x), [10, 20, 30, 100]);
    assert.deepEqual(Array.from(x.dataSync().slice(0, 3)), [10, 11, 12]);
    assert.deepEqual(y.toArray(), [
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const [x2] = (await it.next()).value as [st.Tensor, st.Tensor];
    assert.deepEqual(firstRed(x2), [120, 110]);
  });

  it("gives each classMode its labels", async () => {
    const first = async (classMode: "binary" | "sparse" | "input" | null) => {
      const it = new ImageDataGenerator().flowFromDirectory(root, {
        ...quiet,
        targetSize: [H, W],
        batchSize: 6,
        shuffle: false,
        classes: ["cats", "dogs"],
        classMode,
      });
      return (await it.next()).value;
    };
    const [, yb] = (await first("binary")) as st.Tensor[];
    assert.deepEqual(Array.from(yb!.dataSync()), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(yb!.shape, [6]);
    const [, ys] = (await first("sparse")) as st.Tensor[];
    assert.deepEqual(Array.from(ys!.dataSync()), [0, 0, 0, 1, 1, 1]);
    const [xi, yi] = (await first("input")) as st.Tensor[];
    assert.deepEqual(yi!.toArray(), xi!.toArray());
    const xn = await first(null);
    assert.ok(xn instanceof st.Tensor, "no labels: the batch is the images alone");
  });

  it("reads grayscale and resizes to targetSize", async () => {
    const it = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(root, {
      ...quiet,
      targetSize: [2, 3],
      colorMode: "grayscale",
      batchSize: 1,
      shuffle: false,
      classes: ["cats"],
    });
    const [x] = (await it.next()).value as [st.Tensor, st.Tensor];
    assert.deepEqual(x.shape, [1, 2, 3, 1]);
    // (10, 11, 12) in luma ≈ 10.9 → 11 in 8 bits, then rescaled.
    for (const v of x.dataSync()) assert.ok(Math.abs(v - 11 / 255) < 1e-6, `${v}`);
  });

  it("splits each class by validationSplit: its first files are validation", async () => {
    const g = new ImageDataGenerator({ validationSplit: 0.34 });
    const opts = { ...quiet, targetSize: [H, W] as [number, number], shuffle: false };
    const val = g.flowFromDirectory(root, { ...opts, subset: "validation" });
    const train = g.flowFromDirectory(root, { ...opts, subset: "training" });
    // ⌊0.34 · 3⌋ = 1 file per class.
    assert.deepEqual(val.filenames, ["cats/a.png", "dogs/x.png"]);
    assert.deepEqual(train.filenames, [
      "cats/b.png",
      "cats/c.png",
      "dogs/y.PNG",
      "dogs/puppies/p.png",
    ]);
    const [vx, vy] = (await val.next()).value as [st.Tensor, st.Tensor];
    assert.deepEqual(firstRed(vx), [10, 100]);
    assert.deepEqual(vy.toArray(), [
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it("augments the images it reads (a seeded horizontal flip of a two-tone image)", async () => {
    const dir = join(root, "..", `${root.split("/").pop()}-flip`);
    mkdirSync(join(dir, "only"), { recursive: true });
    const data = Buffer.alloc(1 * 2 * 3);
    data.set([0, 0, 0, 200, 200, 200]);
    await sharp(data, { raw: { width: 2, height: 1, channels: 3 } })
      .png()
      .toFile(join(dir, "only", "two.png"));
    try {
      const g = new ImageDataGenerator({ horizontalFlip: true });
      // NumPy seed(2): the first draw is below 0.5, so Keras flips the first image.
      const it = g.flowFromDirectory(dir, {
        ...quiet,
        targetSize: [1, 2],
        seed: 2,
        shuffle: false,
      });
      const [x] = (await it.next()).value as [st.Tensor, st.Tensor];
      assert.deepEqual(Array.from(x.dataSync()), [200, 200, 200, 0, 0, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the folder or file in errors", async () => {
    const g = new ImageDataGenerator();
    assert.throws(
      () => g.flowFromDirectory(join(root, "nope"), quiet),
      /nope.*not a readable folder/,
    );
    assert.throws(
      () => g.flowFromDirectory(root, { ...quiet, classes: ["cats", "lions"] }),
      /lions.*does not exist/,
    );
    assert.throws(
      () => g.flowFromDirectory(root, { ...quiet, classMode: "multi" as "binary" }),
      /classMode.*multi/,
    );
    assert.throws(
      () => g.flowFromDirectory(root, { ...quiet, colorMode: "cmyk" as "rgb" }),
      /colorMode.*cmyk/,
    );
    const bad = join(root, "..", `${root.split("/").pop()}-bad`);
    mkdirSync(join(bad, "c"), { recursive: true });
    writeFileSync(join(bad, "c", "broken.png"), "not a png");
    try {
      const it = g.flowFromDirectory(bad, quiet);
      await assert.rejects(
        it.next(),
        (e: Error) => e instanceof st.StrataError && /broken\.png/.test(e.message),
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it("feeds model.fit for stepsPerEpoch batches per epoch", async () => {
    const g = new ImageDataGenerator({ rescale: 1 / 255, horizontalFlip: true, rotationRange: 10 });
    const it = g.flowFromDirectory(root, {
      ...quiet,
      targetSize: [H, W],
      batchSize: 2,
      classes: ["cats", "dogs"],
      classMode: "binary",
      seed: 1,
    });
    const model = new st.Sequential([
      new st.layers.Flatten({ inputShape: [H, W, 3] }),
      new st.layers.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
    const h = await model.fit(it, { epochs: 1, stepsPerEpoch: it.length, verbose: 0 });
    assert.equal(it.length, 3);
    assert.equal(model.optimizer!.iterations, 3);
    assert.ok(Number.isFinite(h.history.loss![0]));
  });
});
