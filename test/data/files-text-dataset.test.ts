// st.utils.textDatasetFromDirectory: Keras's file order, seeded split and labels (the expected
// lists were computed by running Keras's index_directory steps — os.walk, sorted, NumPy's
// RandomState(42).shuffle — in Python on this same folder), label modes, maxLength, errors.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as st from "../../src/index.js";

const { textDatasetFromDirectory } = st.utils;

let root = "";
let dir = "";

const FILES = [
  "a_cats/1.txt",
  "a_cats/10.txt",
  "a_cats/2.txt",
  "a_cats/sub/3.txt",
  "a_cats/sub-x/4.txt",
  "a_cats/sub/deep/5.txt",
  "a_cats/Z.TXT",
  "a_cats/skip.md",
  "b_dogs/x.txt",
  "b_dogs/y.txt",
  "b_dogs/w.txt",
  ".hidden/h.txt",
  "readme.txt",
];

before(() => {
  root = mkdtempSync(join(tmpdir(), "strata-text-"));
  dir = join(root, "d");
  for (const f of FILES) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), f);
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of ds) out.push(e);
  return out;
}

const rel = (paths: string[]): string[] => paths.map((p) => p.slice(dir.length + 1));

describe("textDatasetFromDirectory", () => {
  it("lists files in Keras's order when not shuffled, labels from sorted class folders", async () => {
    const ds = await textDatasetFromDirectory(dir, {
      shuffle: false,
      batchSize: 4,
      verbose: false,
    });
    assert.deepEqual(ds.classNames, ["a_cats", "b_dogs"]);
    assert.deepEqual(rel(ds.filePaths), [
      "a_cats/1.txt",
      "a_cats/10.txt",
      "a_cats/2.txt",
      "a_cats/Z.TXT",
      "a_cats/sub/3.txt",
      "a_cats/sub-x/4.txt",
      "a_cats/sub/deep/5.txt",
      "b_dogs/w.txt",
      "b_dogs/x.txt",
      "b_dogs/y.txt",
    ]);
    assert.equal(ds.cardinality(), 3);
    const batches = await collect(ds);
    const [texts, labels] = batches[0]!;
    assert.equal(texts.dtype, "string");
    assert.deepEqual(texts.shape, [4]);
    assert.deepEqual(texts.stringValues(), [
      "a_cats/1.txt",
      "a_cats/10.txt",
      "a_cats/2.txt",
      "a_cats/Z.TXT",
    ]);
    assert.equal(labels.dtype, "int32");
    const all = batches.flatMap(([, y]) => Array.from(y.dataSync()));
    assert.deepEqual(all, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it("seeded shuffle and validation split give Keras's files", async () => {
    const opts = { seed: 42, validationSplit: 0.3, verbose: false, batchSize: null } as const;
    const train = await textDatasetFromDirectory(dir, { ...opts, subset: "training" });
    const val = await textDatasetFromDirectory(dir, { ...opts, subset: "validation" });
    assert.deepEqual(rel(train.filePaths), [
      "b_dogs/x.txt",
      "a_cats/10.txt",
      "a_cats/sub-x/4.txt",
      "a_cats/1.txt",
      "b_dogs/w.txt",
      "a_cats/2.txt",
      "b_dogs/y.txt",
    ]);
    assert.deepEqual(rel(val.filePaths), [
      "a_cats/sub/3.txt",
      "a_cats/Z.TXT",
      "a_cats/sub/deep/5.txt",
    ]);
    // With subset "both" the validation set is not shuffled per pass: file order, labels follow.
    const both = await textDatasetFromDirectory(dir, { ...opts, subset: "both" });
    assert.deepEqual(both[0].filePaths, train.filePaths);
    assert.deepEqual(both[1].filePaths, val.filePaths);
    assert.deepEqual(both[1].classNames, ["a_cats", "b_dogs"]);
    const els = await collect(both[1]);
    assert.deepEqual(
      els.map(([t, y]) => [t.stringValues()[0], y.item()]),
      [
        ["a_cats/sub/3.txt", 0],
        ["a_cats/Z.TXT", 0],
        ["a_cats/sub/deep/5.txt", 0],
      ],
    );
    // Training is shuffled per pass, but each text keeps its label.
    const tr = await collect(train);
    assert.equal(tr.length, 7);
    for (const [t, y] of tr)
      assert.equal(y.item(), t.stringValues()[0]!.startsWith("b_dogs") ? 1 : 0);
  });

  it("label modes, classNames order, maxLength, labels null", async () => {
    const base = { shuffle: false, verbose: false, batchSize: 10 } as const;
    const [, bin] = (
      await collect(await textDatasetFromDirectory(dir, { ...base, labelMode: "binary" }))
    )[0]!;
    assert.deepEqual(bin.shape, [10, 1]);
    assert.equal(bin.dtype, "float32");
    const [, cat] = (
      await collect(
        await textDatasetFromDirectory(dir, {
          ...base,
          labelMode: "categorical",
          classNames: ["b_dogs", "a_cats"],
        }),
      )
    )[0]!;
    assert.deepEqual((cat.toArray() as number[][]).slice(0, 4), [
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const [texts] = await collect(
      await textDatasetFromDirectory(dir, { ...base, batchSize: 20, labels: null, maxLength: 6 }),
    );
    assert.ok(texts instanceof st.Tensor);
    assert.deepEqual(texts.shape, [12]); // every .txt under d, the hidden folder and readme.txt too
    assert.ok(texts.stringValues().every((s) => s.length <= 6));
    const explicit = await textDatasetFromDirectory(join(dir, "b_dogs"), {
      ...base,
      labels: [3, 1, 3],
    });
    assert.deepEqual(explicit.classNames, ["1", "3"]);
    const [, ys] = (await collect(explicit))[0]!;
    assert.deepEqual(Array.from(ys.dataSync()), [3, 1, 3]);
  });

  it("errors as Keras's, plus an empty class folder and a missing directory", async () => {
    const q = { verbose: false };
    await assert.rejects(
      textDatasetFromDirectory(join(root, "nope"), q),
      /directory .*nope.* does not exist/,
    );
    await assert.rejects(
      textDatasetFromDirectory(dir, { ...q, validationSplit: 0.2 }),
      /if subset is set, validationSplit must be set/,
    );
    await assert.rejects(
      textDatasetFromDirectory(dir, { ...q, validationSplit: 0.2, subset: "training" }),
      /you must provide a seed/,
    );
    await assert.rejects(
      textDatasetFromDirectory(dir, { ...q, validationSplit: 1.5, subset: "training", seed: 1 }),
      /between 0 and 1/,
    );
    await assert.rejects(
      textDatasetFromDirectory(dir, { ...q, classNames: ["a_cats", "zebra"] }),
      /did not match the names of the subdirectories/,
    );
    await assert.rejects(
      textDatasetFromDirectory(dir, { ...q, labelMode: "multi" as never }),
      /labelMode must be one of/,
    );
    const empty = mkdtempSync(join(root, "e-"));
    mkdirSync(join(empty, "a"));
    mkdirSync(join(empty, "b"));
    writeFileSync(join(empty, "a", "t.txt"), "hi");
    await assert.rejects(textDatasetFromDirectory(empty, q), (err: Error) => {
      assert.ok(err instanceof st.StrataError);
      assert.match(err.message, /class folder .*b" holds no files/);
      return true;
    });
    await assert.rejects(
      textDatasetFromDirectory(dir, {
        ...q,
        labelMode: "binary",
        labels: null,
        maxLen: 3,
      } as never),
      /unknown option maxLen/,
    );
  });
});
