/**
 * TextVectorization's text-to-tokens pipeline and adapt's data reader: hand-written batches with
 * the token rows Keras's TensorFlow ops would make, padded with "" (the lookup's mask token).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValueError } from "../../src/errors.js";
import {
  adaptBatches,
  textBatch,
} from "../../src/layers/preprocessing/text/text-vectorization-inputs.js";
import { preprocessTexts } from "../../src/layers/preprocessing/text/text-vectorization-preprocess.js";
import { tensor } from "../../src/tensor/creation.js";
import { type Tensor, fromStrings } from "../../src/tensor/tensor.js";

const base = {
  standardize: "lower_and_strip_punctuation" as const,
  split: "whitespace" as const,
  ngrams: null,
  where: "tv",
};
const rows = (t: Tensor): string[][] => {
  const [n, m] = t.shape as [number, number];
  const v = t.stringValues();
  return Array.from({ length: n }, (_, i) => v.slice(i * m, (i + 1) * m));
};

describe("TextVectorization pipeline", () => {
  it("standardizes, splits and pads the rows with the mask token", () => {
    const out = preprocessTexts(fromStrings(["The cat, sat!", "A dog", ""], [3]), base);
    assert.deepEqual(rows(out), [
      ["the", "cat", "sat"],
      ["a", "dog", ""],
      ["", "", ""],
    ]);
    const col = preprocessTexts(fromStrings(["x y", "z"], [2, 1]), base);
    assert.deepEqual(rows(col), [
      ["x", "y"],
      ["z", ""],
    ]);
  });

  it("adds n-grams after the split", () => {
    const out = preprocessTexts(fromStrings(["a b c", "d"], [2]), { ...base, ngrams: [1, 2] });
    assert.deepEqual(rows(out), [
      ["a", "b", "c", "a b", "b c"],
      ["d", "", "", "", ""],
    ]);
  });

  it("without a split the strings are the tokens and keep their shape", () => {
    const t = fromStrings(["A.", "b"], [2, 1]);
    const out = preprocessTexts(t, { ...base, split: null });
    assert.deepEqual(out.shape, [2, 1]);
    assert.deepEqual(out.stringValues(), ["a", "b"]);
  });

  it("refuses non-string inputs and [batch, k>1] inputs to a split", () => {
    assert.throws(() => preprocessTexts(fromStrings(["a", "b"], [1, 2]), base), /rank must be 1/);
    assert.throws(() => preprocessTexts(tensor([1, 2]), base), /received dtype float32/);
  });
});

describe("TextVectorization adapt data", () => {
  const collect = async (it: AsyncGenerator<Tensor>): Promise<string[][]> => {
    const out: string[][] = [];
    for await (const b of it) out.push(b.stringValues());
    return out;
  };

  it("reads arrays in batches, and nested [[text]] rows", async () => {
    assert.deepEqual(await collect(adaptBatches(["a", "b", "c"], { batchSize: 2 }, "tv")), [
      ["a", "b"],
      ["c"],
    ]);
    const nested = textBatch([["a"], ["b"]], "tv");
    assert.deepEqual(nested.shape, [2, 1]);
  });

  it("streams (async) iterables and stops after steps", async () => {
    let pulled = 0;
    async function* gen(): AsyncGenerator<string[]> {
      for (;;) {
        pulled += 1;
        yield [`t${pulled}`];
      }
    }
    assert.deepEqual(await collect(adaptBatches(gen(), { steps: 2 }, "tv")), [["t1"], ["t2"]]);
    assert.equal(pulled, 2);
    const infinite = { cardinality: () => -1, [Symbol.asyncIterator]: gen };
    await assert.rejects(collect(adaptBatches(infinite, {}, "tv")), /infinite/);
  });

  it("names what it received when a batch is not text", async () => {
    await assert.rejects(collect(adaptBatches([[1, 2]] as never, {}, "tv")), ValueError);
    assert.throws(() => textBatch({ x: 1 }, "tv"), /received object/);
  });
});
