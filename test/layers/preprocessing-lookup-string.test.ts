// Keras's StringLookup: every documented example of keras.io's StringLookup page, adapt's
// ordering (count, then tokens high to low), streaming adapt over Datasets and iterables, the
// vocabulary API, tf_idf adapt against a hand computation, config and errors.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { layers } from "../../src/index.js";
import { DTypeError, ValueError } from "../../src/errors.js";
import { assertClose } from "../helpers.js";

const vocab = ["a", "b", "c", "d"];
const data = [
  ["a", "c", "d"],
  ["d", "z", "b"],
];
const data4 = [
  ["a", "c", "d", "d"],
  ["d", "z", "b", "z"],
];

describe("StringLookup (keras.io examples)", () => {
  it("a known vocabulary", () => {
    const out = new layers.StringLookup({ vocabulary: vocab }).apply(data);
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.toArray(), [
      [1, 3, 4],
      [4, 0, 2],
    ]);
  });

  it("an adapted vocabulary: by count, ties by tokens high to low", async () => {
    const layer = new layers.StringLookup();
    await layer.adapt(data);
    assert.deepEqual(layer.getVocabulary(), ["[UNK]", "d", "z", "c", "b", "a"]);
    assert.deepEqual(layer.apply(data).toArray(), [
      [5, 3, 1],
      [1, 2, 4],
    ]);
  });

  it("multiple OOV indices hash OOV strings into their slots", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, numOovIndices: 2 });
    assert.deepEqual(
      layer
        .apply([
          ["a", "c", "d"],
          ["m", "z", "b"],
        ])
        .toArray(),
      [
        [2, 4, 5],
        [0, 1, 3],
      ],
    );
  });

  it("one_hot output", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, outputMode: "one_hot" });
    assert.deepEqual(layer.apply(["a", "b", "c", "d", "z"]).toArray(), [
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0],
    ]);
  });

  it("multi_hot output", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, outputMode: "multi_hot" });
    assert.deepEqual(layer.apply(data4).toArray(), [
      [0, 1, 0, 1, 1],
      [1, 0, 1, 0, 1],
    ]);
  });

  it("count output", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, outputMode: "count" });
    assert.deepEqual(layer.apply(data4).toArray(), [
      [0, 1, 0, 1, 2],
      [2, 0, 1, 0, 1],
    ]);
  });

  it("tf_idf output; OOV weight defaults to the mean of the given weights", () => {
    const layer = new layers.StringLookup({ outputMode: "tf_idf" });
    layer.setVocabulary(vocab, [0.25, 0.75, 0.6, 0.4]);
    assertClose(layer.apply(data4), [
      [0, 0.25, 0, 0.6, 0.8],
      [1.0, 0, 0.75, 0, 0.4],
    ]);
  });

  it("tf_idf output with the OOV token's weight given", () => {
    const layer = new layers.StringLookup({ outputMode: "tf_idf" });
    layer.setVocabulary(["[UNK]", ...vocab], [0.9, 0.25, 0.75, 0.6, 0.4]);
    assertClose(layer.apply(data4), [
      [0, 0.25, 0, 0.6, 0.8],
      [1.8, 0, 0.75, 0, 0.4],
    ]);
  });

  it("inverse lookup", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, invert: true });
    const out = layer.apply(
      st.tensor(
        [
          [1, 3, 4],
          [4, 0, 2],
        ],
        undefined,
        "int32",
      ),
    );
    assert.equal(out.dtype, "string");
    assert.deepEqual(out.toArray(), [
      ["a", "c", "d"],
      ["d", "[UNK]", "b"],
    ]);
  });

  it("forward and inverse lookup pairs", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab });
    const inverse = new layers.StringLookup({ vocabulary: vocab, invert: true });
    assert.deepEqual(inverse.apply(layer.apply(data)).toArray(), [
      ["a", "c", "d"],
      ["d", "[UNK]", "b"],
    ]);
  });
});

describe("StringLookup vocabulary", () => {
  it("mask token: index 0 in int mode, dropped in the other modes", () => {
    const int = new layers.StringLookup({ vocabulary: vocab, maskToken: "" });
    assert.deepEqual(int.getVocabulary(), ["", "[UNK]", "a", "b", "c", "d"]);
    assert.deepEqual(int.apply([["a", "", "q"]]).toArray(), [[2, 0, 1]]);
    assert.equal(int.vocabularySize(), 6);
    const multi = new layers.StringLookup({
      vocabulary: vocab,
      maskToken: "",
      outputMode: "count",
    });
    assert.deepEqual(multi.getVocabulary(), ["[UNK]", "a", "b", "c", "d"]);
    assert.deepEqual(multi.apply([["a", "", "", "q"]]).toArray(), [[1, 1, 0, 0, 0]]);
    const inv = new layers.StringLookup({ vocabulary: vocab, maskToken: "", invert: true });
    assert.deepEqual(inv.apply(st.tensor([0, 1, 2, 9], undefined, "int32")).toArray(), [
      "",
      "[UNK]",
      "a",
      "[UNK]",
    ]);
  });

  it("getVocabulary without special tokens; a vocabulary may start with them", () => {
    const layer = new layers.StringLookup({ vocabulary: ["[UNK]", "x", "y"] });
    assert.deepEqual(layer.getVocabulary(false), ["x", "y"]);
    assert.deepEqual(layer.getVocabulary({ includeSpecialTokens: false }), ["x", "y"]);
    assert.deepEqual(layer.getVocabulary(true), ["[UNK]", "x", "y"]);
    assert.equal(layer.vocabularySize(), 3);
  });

  it("maxTokens caps an adapted vocabulary (special slots included)", async () => {
    const layer = new layers.StringLookup({ maxTokens: 3 });
    await layer.adapt([["a", "b", "b", "c", "c", "c"]]);
    assert.deepEqual(layer.getVocabulary(), ["[UNK]", "c", "b"]);
  });

  it("ties order by code point, high to low (NumPy's byte order)", async () => {
    const layer = new layers.StringLookup();
    await layer.adapt(["B", "a", "é", "Z", "😀", "\uffff"]);
    assert.deepEqual(layer.getVocabulary(false), ["😀", "\uffff", "é", "a", "Z", "B"]);
  });

  it("adapt streams over a Dataset, an async generator and a sync iterable, with steps", async () => {
    const batches = [
      ["x", "y"],
      ["y", "z"],
      ["y", "q"],
    ];
    const ds = st.data.Dataset.fromTensorSlices(batches.flat()).batch(2);
    const a = new layers.StringLookup();
    await a.adapt(ds);
    assert.deepEqual(a.getVocabulary(), ["[UNK]", "y", "z", "x", "q"]);
    async function* gen() {
      for (const b of batches) yield st.tensor(b);
    }
    const b = new layers.StringLookup();
    await b.adapt(gen(), { steps: 2 });
    assert.deepEqual(b.getVocabulary(), ["[UNK]", "y", "z", "x"]);
    const c = new layers.StringLookup();
    await c.adapt(new Set(batches));
    assert.deepEqual(c.getVocabulary(), ["[UNK]", "y", "z", "x", "q"]);
  });

  it("adapting again replaces the vocabulary; the mask and OOV tokens are not counted", async () => {
    const layer = new layers.StringLookup({ maskToken: "" });
    await layer.adapt([["a", "a", "b"]]);
    await layer.adapt([["c", "", "", "[UNK]", "[UNK]"]]);
    assert.deepEqual(layer.getVocabulary(), ["", "[UNK]", "c"]);
  });

  it("tf_idf adapt: idf = log(1 + docs / (1 + doc count)), OOV gets their mean", async () => {
    const docs = [
      ["a", "a", "b"],
      ["a", "c", "c"],
      ["b", "a", "a"],
    ];
    const layer = new layers.StringLookup({ outputMode: "tf_idf" });
    await layer.adapt(docs);
    assert.deepEqual(layer.getVocabulary(), ["[UNK]", "a", "c", "b"]);
    const idf = (n: number) => Math.log(1 + 3 / (1 + n));
    const w = [idf(3), idf(1), idf(2)];
    const mean = (w[0]! + w[1]! + w[2]!) / 3;
    assertClose([...layer.getIdfWeights()!], [mean, ...w], { rtol: 1e-6 });
    assertClose(layer.apply([["a", "a", "q", "c"]]), [[mean, 2 * w[0]!, w[1]!, 0]], {
      rtol: 1e-6,
    });
  });

  it("padToMaxTokens pads the encoded axis to maxTokens", () => {
    const layer = new layers.StringLookup({
      vocabulary: vocab,
      maxTokens: 8,
      padToMaxTokens: true,
      outputMode: "multi_hot",
    });
    assert.deepEqual(layer.apply([["a", "z"]]).toArray(), [[1, 1, 0, 0, 0, 0, 0, 0]]);
    const sym = layer.apply(st.Input({ shape: [3], dtype: "string" }));
    assert.deepEqual(sym.shape, [null, 8]);
  });

  it("a vocabulary file: one token a line", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-vocab-"));
    try {
      const path = join(dir, "vocab.txt");
      writeFileSync(path, "a\nb\nc\nd\n");
      const layer = new layers.StringLookup({ vocabulary: path });
      assert.deepEqual(layer.apply(data).toArray(), [
        [1, 3, 4],
        [4, 0, 2],
      ]);
      assert.equal(layer.getConfig().vocabulary, null);
      assert.throws(
        () => new layers.StringLookup({ vocabulary: join(dir, "none.txt") }),
        /could not be read/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("StringLookup errors and config", () => {
  it("Keras's argument checks", () => {
    assert.throws(() => new layers.StringLookup({ maxTokens: 1 }), ValueError);
    assert.throws(() => new layers.StringLookup({ padToMaxTokens: true }), /maxTokens/);
    assert.throws(() => new layers.StringLookup({ numOovIndices: -1 }), /numOovIndices/);
    assert.throws(() => new layers.StringLookup({ invert: true, outputMode: "count" }), /invert/);
    assert.throws(() => new layers.StringLookup({ idfWeights: [1] }), /tf_idf/);
    assert.throws(
      () => new layers.StringLookup({ vocabulary: vocab, outputMode: "tf_idf" }),
      /idfWeights/,
    );
    assert.throws(() => new layers.StringLookup({ vocabulary: ["a", "b", "a"] }), /repeats/);
    assert.throws(
      () => new layers.StringLookup({ vocabulary: ["a", ""], maskToken: "" }),
      /mask token/,
    );
    assert.throws(() => new layers.StringLookup({ vocabulary: [] }), /empty/);
    assert.throws(() => new layers.StringLookup({ vocabulary: vocab, maxTokens: 4 }), /maxTokens/);
    assert.throws(() => new layers.StringLookup({ sparse: true, outputMode: "count" }), /sparse/);
  });

  it("numOovIndices=0 makes OOV inputs an error; numeric inputs are a DTypeError", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, numOovIndices: 0 });
    assert.deepEqual(layer.apply(["a", "d"]).toArray(), [0, 3]);
    assert.throws(() => layer.apply(["a", "zz"]), /OOV values \["zz"\]/);
    assert.throws(() => layer.apply(st.tensor([1, 2])), DTypeError);
  });

  it("adapt is refused after a vocabulary was given; multi_hot needs a vocabulary", async () => {
    await assert.rejects(
      new layers.StringLookup({ vocabulary: vocab }).adapt(data),
      /cannot adapt/,
    );
    assert.throws(
      () => new layers.StringLookup({ outputMode: "multi_hot" }).apply(data),
      /vocabulary/,
    );
  });

  it("config has Keras's keys and rebuilds the same layer", () => {
    const layer = new layers.StringLookup({ vocabulary: vocab, maskToken: "", numOovIndices: 2 });
    const config = layer.getConfig();
    assert.deepEqual(
      Object.keys(config).sort(),
      [
        "dtype",
        "encoding",
        "idf_weights",
        "invert",
        "mask_token",
        "max_tokens",
        "name",
        "num_oov_indices",
        "oov_method",
        "oov_token",
        "output_mode",
        "pad_to_max_tokens",
        "salt",
        "sparse",
        "trainable",
        "vocabulary",
        "vocabulary_size",
      ].sort(),
    );
    assert.equal(config.vocabulary_size, 7);
    const clone = layers.StringLookup.fromConfig(config);
    assert.deepEqual(clone.getConfig(), config);
    assert.deepEqual(clone.apply(data).toArray(), layer.apply(data).toArray());
  });

  it("symbolic calls give Keras's shapes and dtypes", () => {
    const x = st.Input({ shape: [3], dtype: "string" });
    const int = new layers.StringLookup({ vocabulary: vocab }).apply(x);
    assert.deepEqual([int.shape, int.dtype], [[null, 3], "int32"]);
    const hot = new layers.StringLookup({ vocabulary: vocab, outputMode: "one_hot" }).apply(x);
    assert.deepEqual([hot.shape, hot.dtype], [[null, 3, 5], "float32"]);
    const inv = new layers.StringLookup({ vocabulary: vocab, invert: true }).apply(
      st.Input({ shape: [3], dtype: "int32" }),
    );
    assert.equal(inv.dtype, "string");
  });
});
