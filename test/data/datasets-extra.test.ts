/**
 * datasets.cifar100 and datasets.californiaHousing on stand-ins of Keras's files made by
 * test/fixtures/make_extra_dataset_fixtures.py (same names and formats, offline): the expected
 * pixels and labels follow the generator's formulas; the California rows are the ones NumPy's
 * RandomState shuffle puts in each split (the fixture's JSON), their values x[i, j] = i + j/8 and
 * y[i] = 1000 i + 0.5 naming the source row.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { readTar } from "../../src/io/tar.js";

const DIR = fileURLToPath(new URL("../fixtures/datasets/", import.meta.url));
/** The fixtures are not Keras's files, so their hashes cannot match: skip the check. */
const opts = { cacheDir: DIR, checkHash: false } as const;

function images(n: number, b: number): number[] {
  const x: number[] = [];
  for (let i = 0; i < n; i++)
    for (let h = 0; h < 32; h++)
      for (let w = 0; w < 32; w++)
        for (let c = 0; c < 3; c++) x.push((7 * i + 3 * c + 5 * h + 11 * w + b) % 256);
  return x;
}

describe("datasets.cifar100", () => {
  it("reads fine labels by default and coarse ones on request", async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await st.datasets.cifar100.loadData(opts);
    assert.deepEqual(xTrain.shape, [3, 32, 32, 3]);
    assert.equal(xTrain.dtype, "uint8");
    assert.deepEqual([...xTrain.dataSync()], images(3, 0));
    assert.deepEqual(yTrain.shape, [3, 1]);
    assert.deepEqual([...yTrain.dataSync()], [0, 37, 74]);
    assert.deepEqual([...xTest.dataSync()], images(2, 1));
    assert.deepEqual([...yTest.dataSync()], [1, 38]);
    const [[, cTrain], [, cTest]] = await st.datasets.cifar100.loadData({
      ...opts,
      labelMode: "coarse",
    });
    assert.deepEqual([...cTrain.dataSync()], [0, 1, 2]);
    assert.deepEqual([...cTest.dataSync()], [3, 4]);
  });

  it("reads an extracted cifar-100-python/ folder as it is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "strata-cifar100-"));
    try {
      await mkdir(join(dir, "cifar-100-python"));
      const tar = readTar(gunzipSync(await readFile(join(DIR, "cifar-100-python.tar.gz"))));
      for (const e of tar) await writeFile(join(dir, e.name), e.data);
      const [[xTrain, yTrain]] = await st.datasets.cifar100.loadData({ cacheDir: dir });
      assert.deepEqual([...xTrain.dataSync()], images(3, 0));
      assert.deepEqual([...yTrain.dataSync()], [0, 37, 74]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("downloads Keras's archive name when the cache has none", async () => {
    const empty = await mkdtemp(join(tmpdir(), "strata-cifar100-"));
    try {
      await assert.rejects(
        st.datasets.cifar100.loadData({ cacheDir: empty, origin: "http://127.0.0.1:9/" }),
        /Could not download "cifar-100-python\.tar\.gz": URL fetch failure on http:\/\/127\.0\.0\.1:9\/cifar-100-python\.tar\.gz/,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("refuses an unknown labelMode", async () => {
    await assert.rejects(
      st.datasets.cifar100.loadData({ ...opts, labelMode: "medium" as "fine" }),
      /labelMode must be one of "fine", "coarse"\. Received: labelMode=medium/,
    );
  });
});

describe("datasets.californiaHousing", () => {
  const splits = JSON.parse(readFileSync(join(DIR, "california_housing.json"), "utf8")) as Record<
    string,
    { train: number[]; test: number[] }
  >;
  const xRows = (rows: number[]) =>
    rows.flatMap((i) => Array.from({ length: 8 }, (_, j) => i + j / 8));
  const yRows = (rows: number[]) => rows.map((i) => 1000 * i + 0.5);

  for (const [version, seed, testSplit] of [
    ["large", 113, 0.2],
    ["small", 113, 0.2],
    ["small", 7, 0.0],
    ["large", 1, 0.35],
  ] as const) {
    it(`Keras's ${version} version, RandomState(${seed}) shuffle and split ${testSplit}`, async () => {
      const e = splits[`${version}_${seed}_${testSplit === 0 ? "0.0" : testSplit}`]!;
      const [[xTrain, yTrain], [xTest, yTest]] = await st.datasets.californiaHousing.loadData({
        ...opts,
        version,
        seed,
        testSplit,
        dtype: "float64",
      });
      assert.deepEqual(xTrain.shape, [e.train.length, 8]);
      assert.deepEqual(xTest.shape, [e.test.length, 8]);
      assert.deepEqual([...xTrain.dataSync()], xRows(e.train));
      assert.deepEqual([...yTrain.dataSync()], yRows(e.train));
      assert.deepEqual([...xTest.dataSync()], xRows(e.test));
      assert.deepEqual([...yTest.dataSync()], yRows(e.test));
    });
  }

  it("defaults: large, seed 113, testSplit 0.2, float32", async () => {
    const e = splits["large_113_0.2"]!;
    const [[xTrain, yTrain], [xTest]] = await st.datasets.californiaHousing.loadData(opts);
    assert.equal(xTrain.dtype, "float32");
    assert.deepEqual(xTrain.shape, [520, 8]);
    assert.deepEqual(xTest.shape, [130, 8]);
    assert.deepEqual([...yTrain.dataSync()], yRows(e.train).map(Math.fround));
  });

  it("refuses what Keras refuses", async () => {
    const load = st.datasets.californiaHousing.loadData;
    await assert.rejects(load({ ...opts, testSplit: 1 }), /testSplit must be in \[0, 1\)/);
    await assert.rejects(load({ ...opts, version: "medium" as "small" }), /version must be one of/);
    // Keras's `path` names the cached copy; the download is Keras's california_housing.npz
    await assert.rejects(
      load({ cacheDir: DIR, path: "missing.npz", origin: "http://127.0.0.1:9/" }),
      /Could not download "missing\.npz": URL fetch failure on http:\/\/127\.0\.0\.1:9\/california_housing\.npz/,
    );
  });
});
