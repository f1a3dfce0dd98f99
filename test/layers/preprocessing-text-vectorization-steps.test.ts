/**
 * TextVectorization's standardize, split and ngrams steps, checked against what Keras's TensorFlow
 * ops do (tf.strings.lower without encoding, Keras's punctuation regex, tf.strings.split,
 * unicode_split, tf.strings.ngrams) on hand-written strings.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ShapeError, ValueError } from "../../src/errors.js";
import {
  applyStandardize,
  checkStandardize,
  standardizeString,
} from "../../src/layers/preprocessing/text/standardize.js";
import { applySplit, checkSplit, splitString } from "../../src/layers/preprocessing/text/split.js";
import {
  makeNgrams,
  ngramWidths,
} from "../../src/layers/preprocessing/text/text-vectorization-ngrams.js";
import { fromStrings } from "../../src/tensor/tensor.js";

describe("TextVectorization standardize", () => {
  it("strips Keras's punctuation, apostrophe and hyphen included", () => {
    const s = `Hello, World! It's a-b_c. (x+y)*2 = "z"; [a\\b] {c|d} ~e^f @g #h $i %j &k <l> ?m /n \`o`;
    assert.equal(
      standardizeString(s, "lower_and_strip_punctuation"),
      "hello world its abc xy2  z ab cd ef g h i j k l m n o",
    );
    assert.equal(standardizeString("A-B's", "strip_punctuation"), "ABs");
    assert.equal(standardizeString("A-B's", "lower"), "a-b's");
  });

  it("lowers ASCII letters only, as tf.strings.lower without an encoding", () => {
    assert.equal(standardizeString("ÉCOLE Straße ABC", "lower"), "École straße abc");
  });

  it("runs a callable on the string tensor and keeps the shape", () => {
    const t = fromStrings(["Ab", "Cd", "eF", "GH"], [2, 2]);
    const up = applyStandardize(t, (x) => x.stringValues().map((s) => s.toUpperCase()), "tv");
    assert.deepEqual(up.shape, [2, 2]);
    assert.deepEqual(up.stringValues(), ["AB", "CD", "EF", "GH"]);
    assert.throws(() => applyStandardize(t, () => ["a"], "tv"), ShapeError);
    assert.equal(applyStandardize(t, null, "tv"), t);
    assert.deepEqual(applyStandardize(t, "lower", "tv").stringValues(), ["ab", "cd", "ef", "gh"]);
  });

  it("rejects unknown modes", () => {
    assert.throws(() => checkStandardize("upper", "tv"), ValueError);
    assert.equal(checkStandardize(null, "tv"), null);
  });
});

describe("TextVectorization split", () => {
  it("whitespace: runs of ASCII whitespace, trimmed ends", () => {
    assert.deepEqual(splitString("  the\tcat \n sat\r\n", "whitespace"), ["the", "cat", "sat"]);
    assert.deepEqual(splitString("   ", "whitespace"), []);
  });

  it("character: Unicode code points", () => {
    assert.deepEqual(splitString("aé😀 b", "character"), ["a", "é", "😀", " ", "b"]);
  });

  it("a callable returning arrays or a padded 2-D string tensor", () => {
    const t = fromStrings(["a,b", "c"], [2]);
    assert.deepEqual(
      applySplit(t, (x) => x.stringValues().map((s) => s.split(",")), "tv"),
      [["a", "b"], ["c"]],
    );
    const padded = applySplit(t, () => fromStrings(["a", "b", "c", ""], [2, 2]), "tv");
    assert.deepEqual(padded, [["a", "b"], ["c"]]);
    assert.throws(() => applySplit(t, () => [["a"]], "tv"), ValueError);
    assert.throws(() => checkSplit("comma", "tv"), ValueError);
  });
});

describe("TextVectorization ngrams", () => {
  it("an integer n gives widths 1..n; a list gives its widths", () => {
    assert.deepEqual(ngramWidths(3, "tv"), [1, 2, 3]);
    assert.deepEqual(ngramWidths([2, 3], "tv"), [2, 3]);
    assert.equal(ngramWidths(null, "tv"), null);
    assert.throws(() => ngramWidths(0, "tv"), ValueError);
    assert.throws(() => ngramWidths([1, 1.5], "tv"), ValueError);
  });

  it("all n-grams of each width in turn, joined with spaces", () => {
    const tokens = ["the", "cat", "sat"];
    assert.deepEqual(makeNgrams(tokens, [1, 2]), ["the", "cat", "sat", "the cat", "cat sat"]);
    assert.deepEqual(makeNgrams(tokens, [3]), ["the cat sat"]);
    assert.deepEqual(makeNgrams(tokens, [4]), []);
    assert.deepEqual(makeNgrams(["a", "b"], [2, 1]), ["a b", "a", "b"]);
  });
});
