/**
 * The loaders on the real files, when the offline copies of Keras's datasets sit beside the
 * repository (`../shared/datasets`, as in CI); skipped otherwise. No network is used: a file that
 * is missing or wrong fails instead of downloading (origin points at a closed local port).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { bostonHousing, imdb, mnist } from "../../src/data/datasets/index.js";
import { assertClose } from "../helpers.js";

const DIR = fileURLToPath(new URL("../../../shared/datasets/", import.meta.url));
const present = existsSync(`${DIR}mnist.npz`);
const opts = { cacheDir: DIR, origin: "http://127.0.0.1:9/" };

describe(
  "real Keras datasets (../shared/datasets)",
  { skip: !present && "../shared/datasets is absent" },
  () => {
    it("mnist: Keras's arrays, accepted by content although the zip differs from Keras's file", async () => {
      const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData(opts);
      assert.deepEqual(xTrain.shape, [60000, 28, 28]);
      assert.deepEqual(yTrain.shape, [60000]);
      assert.deepEqual(xTest.shape, [10000, 28, 28]);
      assert.deepEqual(yTest.shape, [10000]);
      assert.deepEqual(
        Array.from(yTrain.dataSync().subarray(0, 10)),
        [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
      );
      let sum = 0;
      for (const v of xTrain.dataSync()) sum += v;
      assert.ok(Math.abs(sum / xTrain.size - 33.318421) < 1e-6);
    });

    it("bostonHousing: the book's split (RandomState(113))", async () => {
      const [[xTrain, yTrain], [xTest, yTest]] = await bostonHousing.loadData({
        ...opts,
        dtype: "float64",
      });
      assert.deepEqual(xTrain.shape, [404, 13]);
      assert.deepEqual(xTest.shape, [102, 13]);
      assert.deepEqual(yTest.shape, [102]);
      assert.deepEqual(Array.from(yTrain.dataSync().subarray(0, 5)), [15.2, 42.3, 50, 21.1, 17.7]);
      assertClose(
        Array.from(xTrain.dataSync().subarray(0, 13)),
        [1.23247, 0, 8.14, 0, 0.538, 6.142, 91.7, 3.9769, 4, 307, 21, 396.9, 18.72],
        { rtol: 0, atol: 1e-12 },
      );
    });

    it("imdb: the raw-review fallback and Keras's word index (md5-checked)", async () => {
      const index = await imdb.getWordIndex(opts);
      assert.equal(Object.keys(index).length, 88584);
      assert.equal(index["the"], 1);
      assert.equal(index["br"], 7);
      const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData({ ...opts, numWords: 10000 });
      assert.equal(xTrain.length, 25000);
      assert.equal(xTest.length, 25000);
      let positives = 0;
      for (const y of yTrain.dataSync()) positives += y;
      assert.equal(positives, 12500);
      assert.equal(yTest.size, 25000);
      assert.ok(xTrain.every((x) => x[0] === 1 && x.every((w) => w >= 1 && w < 10000)));
    });
  },
);
