/**
 * The loaders on tiny stand-ins for Keras's files (test/fixtures/datasets, made by
 * test/fixtures/make_data_fixtures.py, which also records what Keras's algorithm gives on them,
 * computed with NumPy's own RandomState).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { ValueError } from "../../src/errors.js";
import {
  bostonHousing,
  cifar10,
  fashionMnist,
  imdb,
  mnist,
  reuters,
} from "../../src/data/datasets/index.js";
import { textToWordSequence } from "../../src/data/text-to-word-sequence.js";
import { readTar } from "../../src/io/tar.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const DIR = fileURLToPath(new URL("../fixtures/datasets/", import.meta.url));
const json = <T>(name: string): T => JSON.parse(readFileSync(join(DIR, name), "utf8")) as T;
/** The fixtures are not Keras's files, so their hashes cannot match: skip the check. */
const opts = { cacheDir: DIR, checkHash: false } as const;

function check(t: Tensor, shape: number[], dtype: string, values?: readonly number[]): void {
  assert.deepEqual(t.shape, shape);
  assert.equal(t.dtype, dtype);
  if (values) assert.deepEqual(Array.from(t.dataSync()), values);
}

describe("mnist / fashionMnist", () => {
  it("mnist.loadData reads Keras's npz layout (16-byte npy headers, x_test first)", async () => {
    const exp = json<Record<string, number[]>>("mnist.json");
    const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData(opts);
    check(xTrain, [4, 28, 28], "uint8", exp["x_train"]);
    check(yTrain, [4], "uint8", [5, 0, 4, 1]);
    check(xTest, [3, 28, 28], "uint8", exp["x_test"]);
    check(yTest, [3], "uint8", [7, 2, 1]);
  });

  it("fashionMnist.loadData reads the gzipped idx files of fashion-mnist/", async () => {
    const exp = json<Record<string, { x: number[]; y: number[] }>>("fashion_mnist.json");
    const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData(opts);
    check(xTrain, [3, 28, 28], "uint8", exp["train"]!.x);
    check(yTrain, [3], "uint8", exp["train"]!.y);
    check(xTest, [2, 28, 28], "uint8", exp["t10k"]!.x);
    check(yTest, [2], "uint8", exp["t10k"]!.y);
  });

  it("a missing file in a checked cache names its path", async () => {
    const empty = await mkdtemp(join(tmpdir(), "strata-ds-"));
    await assert.rejects(
      mnist.loadData({ cacheDir: empty, origin: "http://127.0.0.1:9/" }),
      /Could not download "mnist\.npz": URL fetch failure on http:\/\/127\.0\.0\.1:9\/mnist\.npz: .*put the file at/,
    );
  });
});

describe("cifar10", () => {
  // The fixture's pixel (image n of batch b, channel c, row h, column w) is (7n+3c+5h+11w+b) % 256
  // and its label (n+b) % 10; train batches b = 0…4 hold 1,2,1,2,1 images, the test batch (b=5) 2.
  function expected(batches: [number, number][]): { x: number[]; y: number[] } {
    const x: number[] = [];
    const y: number[] = [];
    for (const [b, count] of batches) {
      for (let n = 0; n < count; n++) {
        y.push((n + b) % 10);
        for (let h = 0; h < 32; h++)
          for (let w = 0; w < 32; w++)
            for (let c = 0; c < 3; c++) x.push((7 * n + 3 * c + 5 * h + 11 * w + b) % 256);
      }
    }
    return { x, y };
  }
  const train = expected([
    [0, 1],
    [1, 2],
    [2, 1],
    [3, 2],
    [4, 1],
  ]);
  const test = expected([[5, 2]]);

  it("loadData reads the tar.gz of pickled batches into NHWC images and [N,1] labels", async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await cifar10.loadData(opts);
    check(xTrain, [7, 32, 32, 3], "uint8", train.x);
    check(yTrain, [7, 1], "uint8", train.y);
    check(xTest, [2, 32, 32, 3], "uint8", test.x);
    check(yTest, [2, 1], "uint8", test.y);
  });

  it("an extracted cifar-10-batches-py/ folder is read as it is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "strata-cifar-"));
    await mkdir(join(dir, "cifar-10-batches-py"));
    const tar = readTar(gunzipSync(readFileSync(join(DIR, "cifar-10-python.tar.gz"))));
    for (const e of tar) await writeFile(join(dir, e.name), e.data);
    const [[xTrain, yTrain], [xTest]] = await cifar10.loadData({ cacheDir: dir });
    check(xTrain, [7, 32, 32, 3], "uint8", train.x);
    check(yTrain, [7, 1], "uint8", train.y);
    check(xTest, [2, 32, 32, 3], "uint8", test.x);
  });
});

describe("bostonHousing", () => {
  const exp = json<Record<string, Record<string, number[]>>>("boston_housing.json");
  for (const [seed, testSplit] of [
    [113, 0.2],
    [7, 0.25],
    [0, 0.0],
  ] as const) {
    it(`Keras's RandomState(${seed}) shuffle and int(n·(1−${testSplit})) split`, async () => {
      const e = exp[`${seed}_${testSplit === 0 ? "0.0" : testSplit}`]!;
      const nTrain = Math.trunc(20 * (1 - testSplit));
      const [[xTrain, yTrain], [xTest, yTest]] = await bostonHousing.loadData({
        ...opts,
        seed,
        testSplit,
        dtype: "float64",
      });
      check(xTrain, [nTrain, 13], "float64", e["x_train"]);
      check(yTrain, [nTrain], "float64", e["y_train"]);
      check(xTest, [20 - nTrain, 13], "float64", e["x_test"]);
      check(yTest, [20 - nTrain], "float64", e["y_test"]);
    });
  }

  it("float32 by default", async () => {
    const [[xTrain, yTrain]] = await bostonHousing.loadData(opts);
    check(xTrain, [16, 13], "float32", exp["113_0.2"]!["x_train"]!.map(Math.fround));
    check(yTrain, [16], "float32", exp["113_0.2"]!["y_train"]!.map(Math.fround));
  });

  it("validates testSplit and dtype", async () => {
    await assert.rejects(bostonHousing.loadData({ ...opts, testSplit: 1 }), (err: Error) => {
      assert.ok(err instanceof ValueError);
      assert.match(err.message, /testSplit must be in \[0, 1\)\. Received: testSplit=1/);
      return true;
    });
    await assert.rejects(
      bostonHousing.loadData({ ...opts, dtype: "int32" as "float32" }),
      /dtype must be "float32" or "float64"\. Received: dtype=int32/,
    );
  });
});

interface SeqCase {
  opts: Record<string, number | null>;
  out: { x_train: number[][]; y_train: number[]; x_test: number[][]; y_test: number[] };
}

function checkSequences(
  got: [[number[][], Tensor], [number[][], Tensor]],
  out: SeqCase["out"],
): void {
  const [[xTrain, yTrain], [xTest, yTest]] = got;
  assert.deepEqual(xTrain, out.x_train);
  assert.deepEqual(xTest, out.x_test);
  check(yTrain, [out.y_train.length], "int32", out.y_train);
  check(yTest, [out.y_test.length], "int32", out.y_test);
}

describe("imdb", () => {
  for (const c of json<SeqCase[]>("imdb.json")) {
    it(`imdb.npz (Python 2 pickles) with ${JSON.stringify(c.opts)}`, async () => {
      checkSequences(await imdb.loadData({ ...opts, ...c.opts }), c.out);
    });
  }

  const reviews = json<{ base: { seqs: number[][] }; cases: SeqCase[] }>("imdb_reviews.json");
  it("the raw-review fallback tokenises as Keras's text_to_word_sequence", () => {
    assert.deepEqual(textToWordSequence("The movie was BAD.<br /><br />Don't watch it!"), [
      "the",
      "movie",
      "was",
      "bad",
      "br",
      "br",
      "don't",
      "watch",
      "it",
    ]);
    assert.deepEqual(textToWordSequence("end-credits\tand\nthe (a) 10/10"), [
      "end",
      "credits",
      "and",
      "the",
      "a",
      "10",
      "10",
    ]);
  });
  for (const c of reviews.cases) {
    it(`raw-review fallback with ${JSON.stringify(c.opts)}`, async () => {
      checkSequences(await imdb.loadData({ ...opts, ...c.opts, source: "reviews" }), c.out);
    });
  }

  it("auto source: the npz when present, else the raw reviews", async () => {
    const dir = await mkdtemp(join(tmpdir(), "strata-imdb-"));
    for (const f of ["imdb_reviews.json.gz", "imdb_word_index.json"]) {
      await writeFile(join(dir, f), readFileSync(join(DIR, f)));
    }
    checkSequences(await imdb.loadData({ cacheDir: dir, checkHash: false }), reviews.cases[0]!.out);
    checkSequences(await imdb.loadData(opts), json<SeqCase[]>("imdb.json")[0]!.out);
  });

  it("getWordIndex: a prototype-free word → rank object", async () => {
    const index = await imdb.getWordIndex(opts);
    assert.equal(index["the"], 1);
    assert.equal(index["constructor"], 11);
    assert.equal(index["toString"], undefined);
    assert.equal(Object.keys(index).length, 11);
  });

  it("errors: maxlen too small, bad options", async () => {
    await assert.rejects(
      imdb.loadData({ ...opts, maxlen: 1 }),
      /imdb\.loadData: after filtering for sequences shorter than maxlen=1, no sequence was kept\. Increase maxlen\./,
    );
    await assert.rejects(
      imdb.loadData({ ...opts, numWords: -3 }),
      /numWords must be a non-negative integer or null\. Received: numWords=-3/,
    );
    await assert.rejects(imdb.loadData({ ...opts, seed: 2 ** 32 }), /seed must be below 2\*\*32/);
    await assert.rejects(
      imdb.loadData({ ...opts, source: "web" as "npz" }),
      /source must be "auto", "npz" or "reviews"\. Received: source=web/,
    );
  });
});

describe("reuters", () => {
  for (const c of json<SeqCase[]>("reuters.json")) {
    it(`reuters.npz (NumPy 2 pickles) with ${JSON.stringify(c.opts)}`, async () => {
      checkSequences(await reuters.loadData({ ...opts, ...c.opts }), c.out);
    });
  }

  it("getWordIndex and getLabelNames", async () => {
    const index = await reuters.getWordIndex(opts);
    assert.deepEqual({ ...index }, { the: 1, of: 2, said: 3 });
    const names = reuters.getLabelNames();
    assert.equal(names.length, 46);
    assert.equal(names[3], "earn");
    assert.equal(names[45], "lead");
  });

  it("validates testSplit", async () => {
    await assert.rejects(
      reuters.loadData({ ...opts, testSplit: -0.1 }),
      /testSplit must be in \[0, 1\)/,
    );
  });
});
