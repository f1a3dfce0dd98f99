import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

describe("padSequences", () => {
  it("pads and truncates at the front by default, as Keras does", () => {
    const seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]];
    assert.deepEqual(st.utils.padSequences(seqs, { maxlen: 4 }).toArray(), [
      [0, 1, 2, 3],
      [0, 0, 0, 4],
      [6, 7, 8, 9],
    ]);
    assert.deepEqual(
      st.utils
        .padSequences(seqs, { maxlen: 4, padding: "post", truncating: "post", value: -1 })
        .toArray(),
      [
        [1, 2, 3, -1],
        [4, -1, -1, -1],
        [5, 6, 7, 8],
      ],
    );
    assert.deepEqual(st.utils.padSequences(seqs).shape, [3, 5]);
    assert.equal(st.utils.padSequences(seqs).dtype, "int32");
    assert.throws(() => st.utils.padSequences(seqs, { padding: "mid" as "pre" }), {
      name: "ValueError",
    });
  });
});

describe("kFold", () => {
  it("validates on each contiguous block in turn", () => {
    const folds = st.utils.kFold(10, 3);
    assert.equal(folds.length, 3);
    assert.deepEqual([...folds[1]!.validation], [3, 4, 5]);
    assert.deepEqual([...folds[1]!.train], [0, 1, 2, 6, 7, 8, 9]);
    assert.throws(() => st.utils.kFold(2, 3), { name: "ValueError" });
  });
});
