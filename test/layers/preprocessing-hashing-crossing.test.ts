// Keras's HashedCrossing: the two documented examples of keras.io's HashedCrossing page, a hand
// computed cross through TF's FingerprintCat64, shape checks, config and a .keras round trip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { layers } from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { kerasRoundTrip } from "./preprocessing-text-helpers.js";

const feat1 = () => st.tensor(["A", "B", "A", "B", "A"]);
const feat2 = () => st.tensor([101, 101, 101, 102, 102], undefined, "int32");

describe("HashedCrossing (keras.io examples)", () => {
  it("crossing two scalar features gives [1, 4, 1, 1, 3]", () => {
    const out = new layers.HashedCrossing(5).apply([feat1(), feat2()]);
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.toArray(), [1, 4, 1, 1, 3]);
  });

  it("crossing and one-hotting two scalar features", () => {
    const out = new layers.HashedCrossing(5, { outputMode: "one_hot" }).apply([feat1(), feat2()]);
    assert.equal(out.dtype, "float32");
    assert.deepEqual(out.toArray(), [
      [0, 1, 0, 0, 0],
      [0, 0, 0, 0, 1],
      [0, 1, 0, 0, 0],
      [0, 1, 0, 0, 0],
      [0, 0, 0, 1, 0],
    ]);
  });
});

describe("HashedCrossing shapes and arguments", () => {
  it("(batch, 1) inputs keep their shape in int mode; whole-number floats count as integers", () => {
    const a = st.tensor([["A"], ["B"]]);
    const b = st.tensor([[101], [101]]);
    assert.deepEqual(new layers.HashedCrossing(5).apply([a, b]).toArray(), [[1], [4]]);
    const oneHot = new layers.HashedCrossing(5, { outputMode: "one_hot" }).apply([a, b]);
    assert.deepEqual(oneHot.shape, [2, 5]);
  });

  it("the order of the features matters", () => {
    const ab = new layers.HashedCrossing(1000).apply([feat1(), feat2()]).toArray();
    const ba = new layers.HashedCrossing(1000).apply([feat2(), feat1()]).toArray();
    assert.notDeepEqual(ab, ba);
  });

  it("rejects one input, unequal shapes, rank-2 inputs wider than 1 and fractional values", () => {
    const l = new layers.HashedCrossing(5);
    assert.throws(() => l.apply([feat1()]), ValueError);
    assert.throws(() => l.apply([feat1(), st.tensor([1, 2], undefined, "int32")]), /same shape/);
    assert.throws(() => l.apply([st.tensor([["a", "b"]]), st.tensor([["c", "d"]])]), /shape/);
    assert.throws(() => l.apply([feat1(), st.tensor([1.5, 2, 3, 4, 5])]), /integer/);
    assert.throws(
      () => new layers.HashedCrossing(5, { outputMode: "count" as "int" }),
      /outputMode/,
    );
  });

  it("symbolic shapes", () => {
    const a = st.Input({ shape: [], dtype: "string" });
    const b = st.Input({ shape: [], dtype: "int32" });
    assert.deepEqual(new layers.HashedCrossing(5).apply([a, b]).shape, [null]);
    assert.deepEqual(new layers.HashedCrossing(5, { outputMode: "one_hot" }).apply([a, b]).shape, [
      null,
      5,
    ]);
  });

  it("config has Keras's keys and round-trips; a model saves and loads", async () => {
    const layer = new layers.HashedCrossing(7, { outputMode: "one_hot" });
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config).sort(), [
      "dtype",
      "name",
      "num_bins",
      "output_mode",
      "sparse",
    ]);
    assert.deepEqual(layers.HashedCrossing.fromConfig(config).getConfig(), config);
    const { before, after } = await kerasRoundTrip(
      layer,
      [],
      "string",
      [feat1(), feat2()],
      [
        { shape: [], dtype: "string" },
        { shape: [], dtype: "int32" },
      ],
    );
    assert.deepEqual(after.toArray(), before.toArray());
  });
});
