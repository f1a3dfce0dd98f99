// ImageDataGenerator.flowFromDataframe as Keras's legacy DataFrameIterator, with the table as an
// array of row objects (or an object of columns): files relative to `directory` or absolute,
// invalid file names dropped with Keras's warning, classes found or given, every classMode's
// targets, sample weights, validation subsets, and errors naming the column and row.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import * as st from "../../src/index.js";

const { ImageDataGenerator } = st.preprocessing.image;

let root = "";

/** A 2×2 RGB PNG whose every pixel is (v, v, v). */
async function png(name: string, v: number): Promise<void> {
  await sharp(Buffer.alloc(12, v), { raw: { width: 2, height: 2, channels: 3 } })
    .png()
    .toFile(join(root, name));
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "strata-idg-df-"));
  await png("a.png", 10);
  await png("b.png", 20);
  await png("c.png", 30);
  await png("d.PNG", 40);
  writeFileSync(join(root, "notes.txt"), "not an image");
});
after(() => rmSync(root, { recursive: true, force: true }));

const base = { targetSize: [2, 2] as [number, number], shuffle: false, verbose: false };

/** The red value of each image's first pixel. */
const firstRed = (x: st.Tensor): number[] => {
  const d = x.dataSync();
  const per = d.length / x.shape[0]!;
  return Array.from({ length: x.shape[0]! }, (_, i) => d[i * per]!);
};

async function firstBatch(it: AsyncIterator<unknown>): Promise<st.Tensor[]> {
  return (await it.next()).value as st.Tensor[];
}

describe("ImageDataGenerator.flowFromDataframe", () => {
  it("reads files relative to directory, drops invalid names with Keras's warning, one-hot labels", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const log = t.mock.method(console, "log", () => {});
    const rows = [
      { filename: "b.png", class: "dog" },
      { filename: "missing.png", class: "cat" },
      { filename: "a.png", class: "cat" },
      { filename: "notes.txt", class: "dog" },
      { filename: "d.PNG", class: "bird" },
    ];
    const it = new ImageDataGenerator({ rescale: 1 / 10 }).flowFromDataframe(rows, {
      directory: root,
      targetSize: [2, 2],
      shuffle: false,
    });
    assert.match(
      String(warn.mock.calls[0]!.arguments[0]),
      /Found 2 invalid image filename\(s\) in x_col="filename"\. These filename\(s\) will be ignored\./,
    );
    assert.match(
      String(log.mock.calls[0]!.arguments[0]),
      /Found 3 validated image filenames belonging to 3 classes\./,
    );
    assert.deepEqual(it.classIndices, { bird: 0, cat: 1, dog: 2 });
    assert.deepEqual(it.filenames, ["b.png", "a.png", "d.PNG"]);
    assert.deepEqual(it.classes, [2, 1, 0]);
    assert.equal(it.length, 1);
    const [x, y] = await firstBatch(it);
    assert.deepEqual(x!.shape, [3, 2, 2, 3]);
    assert.deepEqual(firstRed(x!), [2, 1, 4]);
    assert.deepEqual(y!.toArray(), [
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it("takes multi-label rows and keeps only the classes given, in their order", async () => {
    const rows = [
      { filename: "a.png", class: ["cat", "dog"] },
      { filename: "b.png", class: ["fish"] },
      { filename: "c.png", class: "dog" },
    ];
    const it = new ImageDataGenerator().flowFromDataframe(rows, {
      ...base,
      directory: root,
      classes: ["dog", "cat"],
    });
    // b.png has none of the classes: dropped.
    assert.deepEqual(it.filenames, ["a.png", "c.png"]);
    assert.deepEqual(it.classIndices, { dog: 0, cat: 1 });
    const [, y] = await firstBatch(it);
    assert.deepEqual(y!.toArray(), [
      [1, 1],
      [1, 0],
    ]);
  });

  it("gives binary and sparse labels as class indices", async () => {
    const rows = [
      { filename: "a.png", label: "yes" },
      { filename: "b.png", label: "no" },
      { filename: "c.png", label: "yes" },
    ];
    for (const classMode of ["binary", "sparse"] as const) {
      const it = new ImageDataGenerator().flowFromDataframe(rows, {
        ...base,
        directory: root,
        yCol: "label",
        classMode,
      });
      const [, y] = await firstBatch(it);
      assert.equal(y!.dtype, "float32");
      assert.deepEqual(Array.from(y!.dataSync()), [1, 0, 1]);
    }
  });

  it("gives raw values, one tensor per column for multi_output, the images for input, none for null", async () => {
    const rows = [
      { filename: "a.png", age: 3, size: 0.5, name: "x" },
      { filename: "b.png", age: 7, size: 1.5, name: "y" },
    ];
    const g = new ImageDataGenerator();
    const opts = { ...base, directory: root };
    const [, raw] = await firstBatch(
      g.flowFromDataframe(rows, { ...opts, yCol: "age", classMode: "raw" }),
    );
    assert.deepEqual(raw!.toArray(), [3, 7]);
    const [, raw2] = await firstBatch(
      g.flowFromDataframe(rows, { ...opts, yCol: ["age", "size"], classMode: "raw" }),
    );
    assert.deepEqual(raw2!.toArray(), [
      [3, 0.5],
      [7, 1.5],
    ]);
    const [, multi] = (
      await g
        .flowFromDataframe(rows, { ...opts, yCol: ["age", "name"], classMode: "multi_output" })
        .next()
    ).value as [st.Tensor, st.Tensor[]];
    assert.deepEqual(multi[0]!.toArray(), [3, 7]);
    assert.deepEqual(multi[1]!.stringValues(), ["x", "y"]);
    const [x, same] = await firstBatch(g.flowFromDataframe(rows, { ...opts, classMode: "input" }));
    assert.deepEqual(same!.toArray(), x!.toArray());
    const alone = (await g.flowFromDataframe(rows, { ...opts, classMode: null }).next())
      .value as st.Tensor;
    assert.deepEqual(alone.shape, [2, 2, 2, 3]);
  });

  it("adds sample weights from weightCol, takes absolute paths and a columns object", async (t) => {
    const log = t.mock.method(console, "log", () => {});
    const columns = {
      path: [join(root, "c.png"), join(root, "a.png")],
      class: ["b", "a"],
      w: [0.25, 2],
    };
    const it = new ImageDataGenerator().flowFromDataframe(columns, {
      targetSize: [2, 2],
      shuffle: false,
      xCol: "path",
      weightCol: "w",
      validateFilenames: false,
    });
    assert.match(
      String(log.mock.calls[0]!.arguments[0]),
      /Found 2 non-validated image filenames belonging to 2 classes\./,
    );
    const batch = await firstBatch(it);
    assert.equal(batch.length, 3);
    assert.deepEqual(firstRed(batch[0]!), [30, 10]);
    assert.deepEqual(Array.from(batch[2]!.dataSync()), [0.25, 2]);
  });

  it("splits the rows by validationSplit: the first part is validation", () => {
    const rows = ["a.png", "b.png", "c.png", "d.PNG"].map((f, i) => ({
      filename: f,
      class: i % 2 ? "odd" : "even",
    }));
    const g = new ImageDataGenerator({ validationSplit: 0.25 });
    const opts = { ...base, directory: root };
    assert.deepEqual(g.flowFromDataframe(rows, { ...opts, subset: "validation" }).filenames, [
      "a.png",
    ]);
    assert.deepEqual(g.flowFromDataframe(rows, { ...opts, subset: "training" }).filenames, [
      "b.png",
      "c.png",
      "d.PNG",
    ]);
  });

  it("feeds model.fit", async () => {
    const rows = ["a.png", "b.png", "c.png"].map((f, i) => ({ filename: f, class: `k${i % 2}` }));
    const it = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDataframe(rows, {
      ...base,
      directory: root,
      batchSize: 2,
    });
    const model = new st.Sequential([
      new st.layers.Flatten({ inputShape: [2, 2, 3] }),
      new st.layers.Dense(2, { activation: "softmax" }),
    ]);
    model.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
    const h = await model.fit(it, { epochs: 1, stepsPerEpoch: it.length, verbose: 0 });
    assert.equal(model.optimizer!.iterations, 2);
    assert.ok(Number.isFinite(h.history.loss![0]));
  });

  it("names the column, row and value in errors", (t) => {
    t.mock.method(console, "warn", () => {});
    const g = new ImageDataGenerator();
    const bad = (rows: object[], opts: object, re: RegExp): void =>
      assert.throws(
        () => g.flowFromDataframe(rows as never, { ...base, directory: root, ...opts }),
        (e: Error) => e instanceof st.ValueError && re.test(e.message),
      );
    bad([{ filename: 3, class: "a" }], {}, /xCol="filename" must be strings; row 0 has 3/);
    bad([{ file: "a.png", class: "a" }], {}, /row 0 has no column xCol="filename"/);
    bad(
      [{ filename: "a.png", class: 1 }],
      {},
      /categorical.*string or a list of strings; row 0 has 1/,
    );
    bad([{ filename: "a.png", class: "a" }], { classMode: "multi_output" }, /yCol must be a list/);
    bad([{ filename: "a.png", class: "a" }], { classMode: "binary" }, /2 classes; found 1/);
    bad([{ filename: "a.png", class: 2 }], { classMode: "sparse" }, /must be strings; row 0 has 2/);
    bad([{ filename: "a.png", class: "a" }], { classMode: "nope" }, /invalid classMode "nope"/);
    bad(
      [{ filename: "a.png", class: "a", w: "x" }],
      { weightCol: "w" },
      /weightCol="w" must be numeric/,
    );
    bad([{ filename: "a.png", class: "a" }], { x_col: "f" }, /unknown option 'x_col'/);
    bad([{ filename: "a.png", class: "a" }], { colorMode: "cmyk" }, /invalid colorMode "cmyk"/);
    assert.throws(
      () => g.flowFromDataframe({ filename: ["a.png"], class: [] }),
      /columns should be arrays of one length/,
    );
  });
});
