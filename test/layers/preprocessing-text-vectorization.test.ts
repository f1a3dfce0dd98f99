/**
 * Keras's TextVectorization: the keras.io examples (each), the output modes on hand-computed
 * corpora (Keras's vocabulary order: count descending, ties by token descending; tf-idf as
 * ln(1 + N / (1 + df)) with the mean idf on the OOV slot), streaming adapt, configs, a model from
 * raw strings to an Embedding, and .keras round trips.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { TextVectorization } from "../../src/layers/preprocessing/text/text-vectorization.js";
import { fromStrings } from "../../src/tensor/tensor.js";
import { kerasRoundTrip } from "./preprocessing-text-helpers.js";

const rows = (t: st.Tensor): number[][] => t.toArray() as number[][];
const close = (got: number[][], want: number[][]): void => {
  assert.equal(got.length, want.length);
  got.forEach((r, i) =>
    r.forEach((v, j) =>
      assert.ok(Math.abs(v - want[i]![j]!) < 1e-6, `[${i}][${j}] ${v} vs ${want[i]![j]}`),
    ),
  );
};

describe("TextVectorization (keras.io examples)", () => {
  it("adapts, then maps to int sequences padded to outputSequenceLength", async () => {
    const layer = new TextVectorization({
      maxTokens: 5000,
      outputMode: "int",
      outputSequenceLength: 4,
    });
    await layer.adapt(["foo bar", "bar baz", "baz bada boom"]);
    const out = layer.apply([["foo qux bar"], ["qux baz"]]);
    assert.equal(out.dtype, "int32");
    assert.deepEqual(rows(out), [
      [4, 1, 3, 0],
      [1, 2, 0, 0],
    ]);
  });

  it("takes a vocabulary: get_vocabulary lists the padding and OOV tokens first", () => {
    const layer = new TextVectorization({
      maxTokens: 5000,
      outputMode: "int",
      outputSequenceLength: 4,
      vocabulary: ["earth", "wind", "and", "fire"],
    });
    assert.deepEqual(layer.getVocabulary(), ["", "[UNK]", "earth", "wind", "and", "fire"]);
    assert.deepEqual(layer.getVocabulary(false), ["earth", "wind", "and", "fire"]);
    assert.equal(layer.vocabularySize(), 6);
    assert.deepEqual(rows(layer.apply(["Earth, and FIRE!"])), [[2, 4, 5, 0]]);
  });
});

describe("TextVectorization", () => {
  const corpus = ["a b a", "b c"]; // counts a 2, b 2, c 1: vocabulary b, a, c (ties descending)

  it("int mode without outputSequenceLength pads to the batch's longest; string[] input", async () => {
    const layer = new TextVectorization();
    await layer.adapt(corpus);
    assert.deepEqual(layer.getVocabulary(), ["", "[UNK]", "b", "a", "c"]);
    assert.deepEqual(rows(layer.apply(["the cat sat", "a"])), [
      [1, 1, 1],
      [3, 0, 0],
    ]);
    const short = new TextVectorization({ vocabulary: ["a", "b"], outputSequenceLength: 2 });
    assert.deepEqual(rows(short.apply(["a b a b", ""])), [
      [2, 3],
      [0, 0],
    ]);
  });

  it("multi_hot and count: one slot per vocabulary entry, OOV at 0", async () => {
    const multi = new TextVectorization({ outputMode: "multi_hot" });
    await multi.adapt(corpus);
    assert.deepEqual(multi.getVocabulary(), ["[UNK]", "b", "a", "c"]);
    const out = multi.apply(["a a z b", "c"]);
    assert.equal(out.dtype, "float32");
    assert.deepEqual(rows(out), [
      [1, 1, 1, 0],
      [0, 0, 0, 1],
    ]);
    const count = new TextVectorization({
      outputMode: "count",
      maxTokens: 6,
      padToMaxTokens: true,
    });
    await count.adapt(corpus);
    assert.deepEqual(rows(count.apply(["a a z b"])), [[1, 1, 2, 0, 0, 0]]);
  });

  it("tf_idf: counts times ln(1 + N / (1 + df)), the mean weight on the OOV slot", async () => {
    const layer = new TextVectorization({ outputMode: "tf_idf" });
    await layer.adapt(corpus);
    const idfB = Math.log(1 + 2 / 3);
    const idfA = Math.log(1 + 2 / 2);
    const idfC = Math.log(1 + 2 / 2);
    const mean = (idfA + idfB + idfC) / 3;
    close(rows(layer.apply(["a a z b"])), [[mean, idfB, 2 * idfA, 0]]);
    // A given vocabulary needs its idf weights.
    assert.throws(
      () => new TextVectorization({ outputMode: "tf_idf", vocabulary: ["a"] }),
      ValueError,
    );
    const given = new TextVectorization({
      outputMode: "tf_idf",
      vocabulary: ["a", "b"],
      idfWeights: [0.5, 0.25],
    });
    close(rows(given.apply(["a b b q"])), [[0.375, 0.5, 0.5]]);
  });

  it("ngrams: bigrams join with a space and enter the vocabulary", async () => {
    const layer = new TextVectorization({ ngrams: 2, outputMode: "multi_hot" });
    await layer.adapt(["the cat sat", "the cat"]);
    // the 2, cat 2, "the cat" 2, sat 1, "cat sat" 1; ties by token descending.
    assert.deepEqual(layer.getVocabulary(), ["[UNK]", "the cat", "the", "cat", "sat", "cat sat"]);
    assert.deepEqual(rows(layer.apply(["cat sat"])), [[0, 0, 0, 1, 1, 1]]);
    const widths = new TextVectorization({ ngrams: [2], vocabulary: ["a b"] });
    assert.deepEqual(rows(widths.apply(["a b c"])), [[2, 1]]);
  });

  it("character split, a custom standardize and split, no standardize", async () => {
    const chars = new TextVectorization({ split: "character", standardize: null });
    await chars.adapt(["abca"]);
    assert.deepEqual(chars.getVocabulary(false), ["a", "c", "b"]);
    assert.deepEqual(rows(chars.apply(["cab"])), [[3, 2, 4]]);
    const custom = new TextVectorization({
      standardize: (x) => x.stringValues().map((s) => s.replace(/\d/g, "#")),
      split: (x) => x.stringValues().map((s) => s.split(",")),
      vocabulary: ["#", "x"],
    });
    assert.deepEqual(rows(custom.apply(["1,x,y"])), [[2, 3, 1]]);
  });

  it("adapts from an st.data.Dataset, streaming batches, and a generator with steps", async () => {
    const ds = st.data.Dataset.fromTensorSlices(["foo bar", "bar baz", "baz bada boom"]).batch(2);
    const layer = new TextVectorization();
    await layer.adapt(ds);
    assert.deepEqual(layer.getVocabulary(false), ["baz", "bar", "foo", "boom", "bada"]);
    function* gen(): Generator<string[]> {
      for (;;) yield ["x y", "y"];
    }
    const fromGen = new TextVectorization();
    await fromGen.adapt(gen(), { steps: 3 });
    assert.deepEqual(fromGen.getVocabulary(false), ["y", "x"]);
    const tokens = new TextVectorization({ maxTokens: 3 });
    await tokens.adapt(fromStrings(["p q q", "r r r"], [2, 1]), { batchSize: 1 });
    assert.deepEqual(tokens.getVocabulary(), ["", "[UNK]", "r"]);
  });

  it("tf_idf adapted batch by batch from a Dataset equals tf_idf adapted at once", async () => {
    const texts = ["a b a", "b c", "c c d", "a", "d b"];
    const whole = new TextVectorization({ outputMode: "tf_idf" });
    await whole.adapt(texts);
    const streamed = new TextVectorization({ outputMode: "tf_idf" });
    await streamed.adapt(st.data.Dataset.fromTensorSlices(texts).batch(2));
    assert.deepEqual(streamed.getVocabulary(), whole.getVocabulary());
    close(rows(streamed.apply(texts)), rows(whole.apply(texts)));
  });

  it("reads a vocabulary file of one token a line and saves it as the asset", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-tv-"));
    try {
      const path = join(dir, "vocab.txt");
      writeFileSync(path, "earth\nwind\nand fire\n");
      const layer = new TextVectorization({ vocabulary: path, split: null, standardize: "lower" });
      assert.deepEqual(layer.getVocabulary(), ["", "[UNK]", "earth", "wind", "and fire"]);
      assert.equal(layer.getConfig().vocabulary, null);
      const x = st.tensor([["And Fire"], ["earth"], ["air"]]);
      const r = await kerasRoundTrip(layer, [1], "string", x);
      assert.deepEqual(rows(r.after), [[4], [2], [1]]);
      assert.deepEqual(rows(r.after), rows(r.before));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("setVocabulary replaces the vocabulary; a given vocabulary cannot be adapted", async () => {
    const layer = new TextVectorization();
    layer.setVocabulary(["x", "y"]);
    assert.deepEqual(rows(layer.apply(["y x q"])), [[3, 2, 1]]);
    const given = new TextVectorization({ vocabulary: ["a"] });
    await assert.rejects(given.adapt(["a b"]), /cannot adapt/);
  });

  it("checks its options and inputs as Keras does", () => {
    assert.throws(
      () => new TextVectorization({ outputMode: "multi_hot", outputSequenceLength: 3 }),
      ValueError,
    );
    assert.throws(() => new TextVectorization({ standardize: "upper" as never }), ValueError);
    assert.throws(() => new TextVectorization({ split: "comma" as never }), ValueError);
    assert.throws(() => new TextVectorization({ ngrams: 0 }), ValueError);
    assert.throws(() => new TextVectorization({ ragged: true }), /ragged/);
    assert.throws(() => new TextVectorization({ sparse: true }), /sparse/);
    const layer = new TextVectorization({ vocabulary: ["a"] });
    assert.throws(() => layer.apply(st.tensor([[1, 2]])), /string inputs/);
    const unsplit = new TextVectorization({ split: null, vocabulary: ["a"] });
    assert.throws(() => unsplit.apply(st.tensor([1, 2])), /string inputs/);
    assert.deepEqual(rows(unsplit.apply(["A.", "b c"])), [[2], [1]]);
    assert.throws(() => layer.apply(fromStrings(["a", "b"], [1, 2])), /last dimension must be 1/);
  });

  it("writes Keras's config keys and rebuilds from them", () => {
    const layer = new TextVectorization({
      maxTokens: 10,
      ngrams: [1, 2],
      outputMode: "int",
      outputSequenceLength: 5,
      vocabulary: ["a", "b"],
    });
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config).sort(), [
      "dtype",
      "encoding",
      "idf_weights",
      "max_tokens",
      "name",
      "ngrams",
      "output_mode",
      "output_sequence_length",
      "pad_to_max_tokens",
      "ragged",
      "sparse",
      "split",
      "standardize",
      "trainable",
      "vocabulary",
      "vocabulary_size",
    ]);
    assert.equal(config.standardize, "lower_and_strip_punctuation");
    assert.equal(config.split, "whitespace");
    assert.deepEqual(config.ngrams, [1, 2]);
    assert.deepEqual(config.vocabulary, ["a", "b"]);
    assert.equal(config.vocabulary_size, 4);
    const back = deserializeLayer(serializeLayer(layer)) as TextVectorization;
    assert.deepEqual(back.getVocabulary(), layer.getVocabulary());
    assert.deepEqual(rows(back.apply(["a b c"])), rows(layer.apply(["a b c"])));
  });

  it("loads a config written by Keras, functions found by name in customObjects", () => {
    const kerasConfig = {
      module: "keras.layers",
      class_name: "TextVectorization",
      config: {
        name: "text_vectorization",
        trainable: true,
        dtype: {
          module: "keras",
          class_name: "DTypePolicy",
          config: { name: "float32" },
          registered_name: null,
        },
        max_tokens: null,
        standardize: {
          module: "builtins",
          class_name: "function",
          config: "shout",
          registered_name: "MyPackage>shout",
        },
        split: "whitespace",
        ngrams: null,
        output_mode: "int",
        output_sequence_length: null,
        pad_to_max_tokens: false,
        sparse: false,
        ragged: false,
        vocabulary: ["A", "B"],
        idf_weights: null,
        encoding: "utf-8",
        vocabulary_size: 4,
      },
      registered_name: null,
    };
    const shout = (x: st.Tensor): string[] => x.stringValues().map((s) => s.toUpperCase());
    assert.throws(() => deserializeLayer(kerasConfig), /customObjects/);
    const layer = deserializeLayer(kerasConfig, { shout }) as TextVectorization;
    assert.deepEqual(rows(layer.apply(["b a c"])), [[3, 2, 1]]);
    assert.equal((layer.getConfig().standardize as { config: string }).config, "shout");
  });
});

describe("TextVectorization in a model", () => {
  it("Input(string) → TextVectorization → Embedding predicts on raw review text", async () => {
    const tv = new TextVectorization({ maxTokens: 20, outputSequenceLength: 6 });
    await tv.adapt(["a great movie", "a terrible movie", "great acting"]);
    const input = st.Input({ shape: [1], dtype: "string" });
    const ids = tv.apply(input);
    assert.deepEqual(ids.shape, [null, 6]);
    assert.equal(ids.dtype, "int32");
    const emb = new st.layers.Embedding(tv.vocabularySize(), 3);
    const pooled = new st.layers.GlobalAveragePooling1D().apply(emb.apply(ids));
    const dense = new st.layers.Dense(1, { activation: "sigmoid" });
    const model = new st.Model({ inputs: input, outputs: dense.apply(pooled) });
    const texts = ["raw review text", "A great movie!"];
    const y = (await model.predict(texts, { verbose: 0 })) as st.Tensor;
    assert.deepEqual(y.shape, [2, 1]);
    // counts: a, great, movie 2 each (ties by token descending: movie, great, a), then terrible, acting.
    const expectedIds = [
      [1, 1, 1, 0, 0, 0],
      [4, 3, 2, 0, 0, 0],
    ];
    assert.deepEqual(rows(tv.apply(texts)), expectedIds);
    // The prediction, recomputed in float64 from the embedding rows of those ids.
    const table = emb.getWeights()[0]!.toArray() as number[][];
    const [kernel, bias] = dense.getWeights().map((w) => w.dataSync()) as [
      Float32Array,
      Float32Array,
    ];
    const want = expectedIds.map((seq) => {
      let z = bias[0]!;
      for (let d = 0; d < 3; d++)
        z += (seq.reduce((s, id) => s + table[id]![d]!, 0) / 6) * kernel[d]!;
      return [1 / (1 + Math.exp(-z))];
    });
    close(rows(y), want);
  });
});

describe("TextVectorization .keras round trips", () => {
  it("a vocabulary given as a list travels in the config (int and tf_idf)", async () => {
    const x = st.tensor([["Earth and fire"], ["wind, rain"]]);
    const int = new TextVectorization({
      vocabulary: ["earth", "wind", "and", "fire"],
      outputSequenceLength: 3,
    });
    const a = await kerasRoundTrip(int, [1], "string", x);
    assert.deepEqual(rows(a.after), [
      [2, 4, 5],
      [3, 1, 0],
    ]);
    assert.deepEqual(rows(a.after), rows(a.before));
    const tfidf = new TextVectorization({
      outputMode: "tf_idf",
      vocabulary: ["earth", "wind"],
      idfWeights: [0.5, 2],
    });
    const b = await kerasRoundTrip(tfidf, [1], "string", x);
    close(rows(b.after), rows(b.before));
    close(rows(b.after), [
      [1.25 * 2, 0.5, 0],
      [1.25, 0, 2],
    ]);
  });

  it("an adapted vocabulary travels as Keras's vocabulary.txt asset, idf weights as vars/idf_weights", async () => {
    const x = st.tensor([["a b z"], ["c"]]);
    const int = new TextVectorization({ maxTokens: 10, outputSequenceLength: 4 });
    await int.adapt(["a b c", "a b"]);
    const a = await kerasRoundTrip(int, [1], "string", x);
    assert.deepEqual(rows(a.after), [
      [3, 2, 1, 0],
      [4, 0, 0, 0],
    ]);
    const asset = "assets/layers/text_vectorization/vocabulary.txt";
    assert.ok(a.zip.names().includes(asset));
    // Keras writes "\n".join(get_vocabulary()): the "" mask token makes the first line empty.
    assert.equal(new TextDecoder().decode(a.zip.read(asset)), "\n[UNK]\nb\na\nc");
    const loaded = a.loaded.layers.find((l) => l instanceof TextVectorization) as TextVectorization;
    assert.deepEqual(loaded.getVocabulary(), ["", "[UNK]", "b", "a", "c"]);
    assert.equal(loaded.getConfig().vocabulary, null);

    const tfidf = new TextVectorization({ outputMode: "tf_idf", ngrams: 2 });
    await tfidf.adapt(["a b c", "a b"]);
    const b = await kerasRoundTrip(tfidf, [1], "string", x);
    close(rows(b.after), rows(b.before));
    assert.ok(b.zip.names().includes(asset));
    const h5 = readHdf5(b.zip.read("model.weights.h5"), "model.weights.h5");
    const idf = h5.dataset("layers/text_vectorization/vars/idf_weights").read() as Float32Array;
    // Vocabulary [UNK], b, "a b", a (2 documents of 2: ln(1 + 2/3)), c, "b c" (1: ln 2); the
    // OOV slot holds the mean.
    assert.deepEqual(tfidf.getVocabulary(), ["[UNK]", "b", "a b", "a", "c", "b c"]);
    const two = Math.log(1 + 2 / 3);
    const one = Math.log(2);
    const want = [(3 * two + 2 * one) / 5, two, two, two, one, one];
    close([Array.from(idf)], [want]);
  });
});
