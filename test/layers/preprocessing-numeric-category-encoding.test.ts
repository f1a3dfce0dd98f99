// CategoryEncoding (Keras's keras.layers.CategoryEncoding): Keras's documented examples,
// shapes, errors, config and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { CategoryEncoding } from "../../src/layers/preprocessing/numeric/category-encoding.js";
import { assertClose } from "../helpers.js";
import { assertKerasRoundTrip } from "./preprocessing-numeric-roundtrip.js";

const PAIRS = [
  [0, 1],
  [0, 0],
  [1, 2],
  [3, 1],
];

describe("CategoryEncoding: Keras's documented examples", () => {
  it("one_hot", () => {
    const out = new CategoryEncoding({ numTokens: 4, outputMode: "one_hot" }).apply([3, 2, 0, 1]);
    assert.equal(out.dtype, "float32");
    assert.deepEqual(out.toArray(), [
      [0, 0, 0, 1],
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
  });

  it("multi_hot", () => {
    const out = new CategoryEncoding({ numTokens: 4, outputMode: "multi_hot" }).apply(PAIRS);
    assert.deepEqual(out.toArray(), [
      [1, 1, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 1, 0],
      [0, 1, 0, 1],
    ]);
  });

  it("count with countWeights", () => {
    const countWeights = [
      [0.1, 0.2],
      [0.1, 0.1],
      [0.2, 0.3],
      [0.4, 0.2],
    ];
    const layer = new CategoryEncoding({ numTokens: 4, outputMode: "count" });
    assertClose(layer.apply(PAIRS, { countWeights }), [
      [0.1, 0.2, 0, 0],
      [0.2, 0, 0, 0],
      [0, 0.2, 0.3, 0],
      [0, 0.2, 0, 0.4],
    ]);
    // Without weights, counts.
    assert.deepEqual(layer.apply(PAIRS).toArray(), [
      [1, 1, 0, 0],
      [2, 0, 0, 0],
      [0, 1, 1, 0],
      [0, 1, 0, 1],
    ]);
  });
});

describe("CategoryEncoding: shapes, errors, config", () => {
  it("follows Keras's shapes: one_hot replaces a last axis of 1; a rank-1 sample multi_hot", () => {
    const hot = new CategoryEncoding({ numTokens: 3, outputMode: "one_hot" });
    assert.deepEqual(hot.apply(st.tensor([[2], [0]], undefined, "int32")).shape, [2, 3]);
    assert.deepEqual(hot.apply(st.tensor([[2, 1]], undefined, "int32")).shape, [1, 2, 3]);
    assert.deepEqual(hot.apply(st.layers.Input({ shape: [1], dtype: "int32" })).shape, [null, 3]);
    const multi = new CategoryEncoding({ numTokens: 3 });
    assert.deepEqual(multi.apply([2, 0, 2]).toArray(), [1, 0, 1]);
    assert.deepEqual(multi.apply(st.layers.Input({ shape: [5], dtype: "int32" })).shape, [null, 3]);
    assert.equal(multi.outputMode, "multi_hot");
    assert.equal(
      new CategoryEncoding({ numTokens: 2, outputMode: "binary" }).outputMode,
      "multi_hot",
    );
  });

  it("refuses out-of-range values, missing numTokens and misplaced countWeights", () => {
    const layer = new CategoryEncoding({ numTokens: 4 });
    assert.throws(() => layer.apply([[0, 4]]), /0 <= values < numTokens \(4\); received 4/);
    assert.throws(() => layer.apply([[-1, 0]]), /received -1/);
    assert.throws(() => new CategoryEncoding(), /numTokens must be set/);
    assert.throws(
      () => new CategoryEncoding({ numTokens: 0 }),
      /numTokens must be an integer >= 1/,
    );
    assert.throws(
      () => layer.apply(PAIRS, { countWeights: PAIRS }),
      /only used when outputMode is "count"/,
    );
    const count = new CategoryEncoding({ numTokens: 4, outputMode: "count" });
    assert.throws(
      () => count.apply(PAIRS, { countWeights: [1, 2] }),
      /countWeights must have the inputs' shape/,
    );
  });

  it("writes Keras's config keys and round-trips through .keras files", async () => {
    const layer = new CategoryEncoding({ numTokens: 5, outputMode: "count", name: "enc" });
    const config = layer.getConfig();
    assert.equal(config.num_tokens, 5);
    assert.equal(config.output_mode, "count");
    assert.equal(config.sparse, false);
    assert.deepEqual(CategoryEncoding.fromConfig(config).getConfig(), config);
    const x = st.tensor(
      [
        [0, 4, 4],
        [1, 2, 3],
      ],
      undefined,
      "int32",
    );
    await assertKerasRoundTrip(layer, x);
    await assertKerasRoundTrip(new CategoryEncoding({ numTokens: 5, outputMode: "one_hot" }), x);
  });
});
