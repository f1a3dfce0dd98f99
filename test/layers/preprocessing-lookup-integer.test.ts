// Keras's IntegerLookup: every documented example of keras.io's IntegerLookup page (known and
// adapted vocabularies, several OOV indices by floormod and by FarmHash, the output modes,
// inverse lookup), plus a mask token, config and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { layers } from "../../src/index.js";
import { DTypeError, ValueError } from "../../src/errors.js";
import { assertClose } from "../helpers.js";

const int = (v: st.NestedArray) => st.tensor(v, undefined, "int32");
const vocab = [12, 36, 1138, 42];
const data = () =>
  int([
    [12, 1138, 42],
    [42, 1000, 36],
  ]);
const data4 = () =>
  int([
    [12, 1138, 42, 42],
    [42, 7, 36, 7],
  ]);

describe("IntegerLookup (keras.io examples)", () => {
  it("a known vocabulary", () => {
    const out = new layers.IntegerLookup({ vocabulary: vocab }).apply(data());
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.toArray(), [
      [1, 3, 4],
      [4, 0, 2],
    ]);
  });

  it("an adapted vocabulary: by count, ties by tokens high to low", async () => {
    const layer = new layers.IntegerLookup();
    await layer.adapt(data());
    assert.deepEqual(layer.getVocabulary(), [-1, 42, 1138, 1000, 36, 12]);
    assert.deepEqual(layer.apply(data()).toArray(), [
      [5, 2, 1],
      [1, 3, 4],
    ]);
  });

  it("multiple OOV indices by floormod", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, numOovIndices: 2 });
    const out = layer.apply(
      int([
        [12, 1138, 42],
        [37, 1000, 36],
      ]),
    );
    assert.deepEqual(out.toArray(), [
      [2, 4, 5],
      [1, 0, 3],
    ]);
  });

  it("uniform OOV distribution with FarmHash", () => {
    const oov = int([100, 300, 700, 1100, 1700, 2000]);
    const floormod = new layers.IntegerLookup({
      vocabulary: [10, 20, 30],
      numOovIndices: 4,
      oovMethod: "floormod",
    });
    const farmhash = new layers.IntegerLookup({
      vocabulary: [10, 20, 30],
      numOovIndices: 4,
      oovMethod: "farmhash",
    });
    assert.deepEqual(floormod.apply(oov).toArray(), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(farmhash.apply(oov).toArray(), [3, 3, 2, 2, 0, 1]);
  });

  it("one_hot output", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, outputMode: "one_hot" });
    const out = layer.apply(int([12, 36, 1138, 42, 7]));
    assert.equal(out.dtype, "float32");
    assert.deepEqual(out.toArray(), [
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0],
    ]);
  });

  it("multi_hot output", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, outputMode: "multi_hot" });
    assert.deepEqual(layer.apply(data4()).toArray(), [
      [0, 1, 0, 1, 1],
      [1, 0, 1, 0, 1],
    ]);
  });

  it("count output", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, outputMode: "count" });
    assert.deepEqual(layer.apply(data4()).toArray(), [
      [0, 1, 0, 1, 2],
      [2, 0, 1, 0, 1],
    ]);
  });

  it("tf_idf output; OOV weight defaults to the mean", () => {
    const layer = new layers.IntegerLookup({
      outputMode: "tf_idf",
      vocabulary: vocab,
      idfWeights: [0.25, 0.75, 0.6, 0.4],
    });
    assertClose(layer.apply(data4()), [
      [0, 0.25, 0, 0.6, 0.8],
      [1.0, 0, 0.75, 0, 0.4],
    ]);
  });

  it("tf_idf output with the OOV token's weight given", () => {
    const layer = new layers.IntegerLookup({
      outputMode: "tf_idf",
      vocabulary: [-1, ...vocab],
      idfWeights: [0.9, 0.25, 0.75, 0.6, 0.4],
    });
    assertClose(layer.apply(data4()), [
      [0, 0.25, 0, 0.6, 0.8],
      [1.8, 0, 0.75, 0, 0.4],
    ]);
  });

  it("inverse lookup", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, invert: true });
    const out = layer.apply(
      int([
        [1, 3, 4],
        [4, 0, 2],
      ]),
    );
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.toArray(), [
      [12, 1138, 42],
      [42, -1, 36],
    ]);
  });

  it("forward and inverse lookup pairs", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab });
    const inverse = new layers.IntegerLookup({ vocabulary: layer.getVocabulary(), invert: true });
    assert.deepEqual(inverse.apply(layer.apply(data())).toArray(), [
      [12, 1138, 42],
      [42, -1, 36],
    ]);
  });
});

describe("IntegerLookup details", () => {
  it("a mask token; plain number arrays are accepted when whole", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, maskToken: 0 });
    assert.deepEqual(layer.getVocabulary(), [0, -1, 12, 36, 1138, 42]);
    assert.deepEqual(layer.apply([[12, 0, 5]]).toArray(), [[2, 0, 1]]);
    assert.throws(() => layer.apply([[12.5]]), DTypeError);
  });

  it("floormod of negative OOV tokens is non-negative (Python's floor mod)", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, numOovIndices: 3 });
    assert.deepEqual(layer.apply(int([-1, -2, -4])).toArray(), [2, 1, 2]);
  });

  it("salt needs oovMethod farmhash; vocabularyDtype must be int64", () => {
    assert.throws(() => new layers.IntegerLookup({ salt: 3 }), /farmhash/);
    assert.throws(
      () => new layers.IntegerLookup({ vocabularyDtype: "int32" as "int64" }),
      ValueError,
    );
    assert.throws(() => new layers.IntegerLookup({ vocabulary: [1, 2.5] }), DTypeError);
  });

  it("salted FarmHash OOV buckets use SipHash of the decimal text", () => {
    const layer = new layers.IntegerLookup({
      vocabulary: [10],
      numOovIndices: 3,
      oovMethod: "farmhash",
      salt: [133, 137],
    });
    const hashing = new layers.Hashing(3, { salt: [133, 137] });
    const oov = int([7, 8, 9, 1000]);
    assert.deepEqual(layer.apply(oov).toArray(), hashing.apply(oov).toArray());
  });

  it("config has Keras's keys (vocabulary_dtype included) and round-trips", () => {
    const layer = new layers.IntegerLookup({ vocabulary: vocab, maskToken: 0 });
    const config = layer.getConfig();
    assert.equal(config.vocabulary_dtype, "int64");
    assert.equal(config.oov_token, -1);
    assert.deepEqual(config.vocabulary, vocab);
    const clone = layers.IntegerLookup.fromConfig(config);
    assert.deepEqual(clone.getConfig(), config);
  });
});
