/**
 * The book's older text API (Keras 2's keras.preprocessing.text) against hand-computed corpora,
 * Keras's tf-idf formula written out here in float64, and MD5 hashes computed with Python's hashlib.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as text from "../../src/preprocessing/text/index.js";
import { ValueError } from "../../src/errors.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { tensor } from "../../src/tensor/creation.js";

const rows = (t: Tensor): number[][] => {
  const [n, m] = t.shape as [number, number];
  const v = Array.from(t.dataSync(), Number);
  return Array.from({ length: n }, (_, i) => v.slice(i * m, (i + 1) * m));
};
const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;

// Counts: the 3, cat 2, dog 2, then one each in first-seen order.
const CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog."];
const ORDER = ["the", "cat", "dog", "sat", "on", "mat", "ate", "my", "homework", "and"];

describe("textToWordSequence", () => {
  it("lower-cases, strips Keras's filters (keeping apostrophes) and drops empty words", () => {
    assert.deepEqual(text.textToWordSequence("Hello,  World! Don't\tstop\n"), [
      "hello",
      "world",
      "don't",
      "stop",
    ]);
    assert.deepEqual(text.textToWordSequence("A-B c", { lower: false, filters: "" }), ["A-B", "c"]);
    assert.deepEqual(text.textToWordSequence("a,b;c", { split: ",", filters: ";" }), [
      "a",
      "b",
      "c",
    ]);
  });
});

describe("Tokenizer", () => {
  it("numbers words by descending count, ties in first-seen order, 0 reserved", () => {
    const tok = new text.Tokenizer();
    tok.fitOnTexts(CORPUS);
    assert.deepEqual([...tok.wordIndex.keys()], ORDER);
    assert.deepEqual(
      [...tok.wordIndex.values()],
      ORDER.map((_, i) => i + 1),
    );
    assert.equal(tok.indexWord.get(3), "dog");
    assert.equal(tok.documentCount, 3);
    assert.equal(tok.wordCounts.get("the"), 3);
    assert.equal(tok.wordDocs.get("the"), 2);
    assert.equal(tok.indexDocs.get(3), 2);
    assert.deepEqual(tok.textsToSequences(["the cat ate a fish", "Dog!"]), [[1, 2, 7], [3]]);
    assert.deepEqual(
      tok.sequencesToTexts([
        [1, 2, 7],
        [3, 99],
      ]),
      ["the cat ate", "dog"],
    );
    const lazy = tok.textsToSequencesGenerator(["dog cat", "the"]);
    assert.deepEqual(lazy.next().value, [3, 2]);
    assert.deepEqual([...tok.sequencesToTextsGenerator([[10, 1]])], ["and the"]);
  });

  it("keeps only numWords - 1 words and maps the rest to the OOV token at index 1", () => {
    const plain = new text.Tokenizer({ numWords: 4 });
    plain.fitOnTexts(CORPUS);
    assert.deepEqual(plain.textsToSequences(["the cat sat dog"]), [[1, 2, 3]]);
    const oov = new text.Tokenizer({ numWords: 4, oovToken: "<OOV>" });
    oov.fitOnTexts(CORPUS);
    assert.equal(oov.wordIndex.get("<OOV>"), 1);
    assert.equal(oov.wordIndex.get("the"), 2);
    assert.deepEqual(oov.textsToSequences(["the cat sat dog zebra"]), [[2, 3, 1, 1, 1]]);
    assert.deepEqual(oov.sequencesToTexts([[2, 3, 5, 42]]), ["the cat <OOV> <OOV>"]);
  });

  it("textsToMatrix: binary, count, freq and Keras's tf-idf", () => {
    const tok = new text.Tokenizer();
    tok.fitOnTexts(CORPUS);
    const doc = ["the the cat zebra"];
    const width = ORDER.length + 1;
    const expect = (entries: Record<number, number>): number[] =>
      Array.from({ length: width }, (_, j) => entries[j] ?? 0);
    const check = (mode: text.MatrixMode, entries: Record<number, number>): void => {
      const m = tok.textsToMatrix(doc, mode);
      assert.deepEqual(m.shape, [1, width]);
      assert.equal(m.dtype, "float32");
      const got = rows(m)[0]!;
      expect(entries).forEach((v, j) =>
        assert.ok(close(got[j]!, v), `${mode}[${j}]: ${got[j]} vs ${v}`),
      );
    };
    check("binary", { 1: 1, 2: 1 });
    check("count", { 1: 2, 2: 1 });
    check("freq", { 1: 2 / 3, 2: 1 / 3 }); // zebra is dropped, so the sequence has 3 words
    // tf = 1 + ln c, idf = ln(1 + N / (1 + docs)), N = 3; "the" and "cat" are each in 2 documents.
    check("tfidf", { 1: (1 + Math.log(2)) * Math.log(2), 2: Math.log(2) });
    // Strings as a tensor work as a list of strings.
    assert.deepEqual(
      rows(tok.textsToMatrix(tensor(doc), "count")),
      rows(tok.textsToMatrix(doc, "count")),
    );
  });

  it("sequencesToMatrix with fitOnSequences, numWords cut-off and the errors Keras raises", () => {
    const tok = new text.Tokenizer({ numWords: 4 });
    assert.throws(() => tok.sequencesToMatrix([[1]], "tfidf"), ValueError);
    tok.fitOnSequences([
      [1, 2, 2],
      [2, 3],
    ]);
    const m = rows(tok.sequencesToMatrix([[2, 2, 5], []], "tfidf"));
    // index 5 >= numWords is skipped; docs(2) = 2, N = 2.
    const v = (1 + Math.log(2)) * Math.log(1 + 2 / 3);
    assert.ok(close(m[0]![2]!, v));
    assert.deepEqual(m[1], [0, 0, 0, 0]);
    assert.throws(() => new text.Tokenizer().sequencesToMatrix([[1]]), /numWords/);
    assert.throws(() => tok.sequencesToMatrix([[1]], "tf" as text.MatrixMode), ValueError);
  });

  it("charLevel and pre-split token lists", () => {
    const tok = new text.Tokenizer({ charLevel: true });
    tok.fitOnTexts(["abA", "b."]);
    // a 2, b 2, "." 1: filters are not applied at character level, as in Keras.
    assert.deepEqual(
      [...tok.wordIndex.entries()],
      [
        ["a", 1],
        ["b", 2],
        [".", 3],
      ],
    );
    const words = new text.Tokenizer();
    words.fitOnTexts([["New York", "is"], ["new york"]]);
    assert.deepEqual([...words.wordIndex.keys()], ["new york", "is"]);
  });

  it("toJson writes Keras's JSON and tokenizerFromJson restores the tokenizer", () => {
    const tok = new text.Tokenizer({ numWords: 5, oovToken: "<OOV>" });
    tok.fitOnTexts(CORPUS);
    const json = tok.toJson();
    const outer = JSON.parse(json) as { class_name: string; config: Record<string, unknown> };
    assert.equal(outer.class_name, "Tokenizer");
    assert.equal(outer.config.num_words, 5);
    assert.equal(outer.config.oov_token, "<OOV>");
    assert.equal(outer.config.document_count, 3);
    // Python's json.dumps spacing for the nested tables.
    assert.ok(String(outer.config.word_index).startsWith('{"<OOV>": 1, "the": 2, "cat": 3'));
    assert.ok(
      json.startsWith('{"class_name": "Tokenizer", "config": {"num_words": 5, "filters": '),
    );
    const back = text.tokenizerFromJson(json);
    assert.deepEqual([...back.wordIndex], [...tok.wordIndex]);
    assert.deepEqual([...back.indexWord], [...tok.indexWord]);
    assert.deepEqual(
      back.textsToSequences(["the mat zebra"]),
      tok.textsToSequences(["the mat zebra"]),
    );
    assert.deepEqual(
      rows(back.textsToMatrix(CORPUS, "tfidf")),
      rows(tok.textsToMatrix(CORPUS, "tfidf")),
    );
    assert.equal(back.toJson(), json);
  });
});

describe("hashingTrick / oneHot", () => {
  it("md5 indices equal Python's int(md5(w).hexdigest(), 16) % (n - 1) + 1", () => {
    assert.deepEqual(
      text.hashingTrick("The cat sat on the mat.", 10, { hashFunction: "md5" }),
      [6, 3, 1, 1, 6, 8],
    );
    assert.deepEqual(text.oneHot("The cat sat on the mat.", 1000), [132, 759, 622, 379, 132, 962]);
    assert.deepEqual(text.hashingTrick("héllo wörld", 5), [1, 3]);
  });

  it("takes a custom hash (negative values wrap as Python's %) and checks n", () => {
    assert.deepEqual(
      text.hashingTrick("a bb ccc", 4, { hashFunction: (w) => -w.length }),
      [3, 2, 1],
    );
    assert.throws(() => text.oneHot("a", 1), ValueError);
    assert.throws(() => text.hashingTrick("a", 5, { hashFunction: () => 1.5 }), ValueError);
  });
});
