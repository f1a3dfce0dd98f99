// Keras's Hashing layer: the documented examples of keras.io's Hashing page (FarmHash64, a mask
// value, SipHash64 with a salt pair and a single salt), integer inputs hashed as their decimal
// text, the output modes, config and a .keras round trip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { layers } from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { farmFingerprint64, sipHash64 } from "../../src/layers/preprocessing/text/keras-hash.js";
import { kerasRoundTrip } from "./preprocessing-text-helpers.js";

const letters = [["A"], ["B"], ["C"], ["D"], ["E"]];

describe("Hashing (keras.io examples)", () => {
  it("FarmHash64: num_bins=3 on A..E gives [1, 0, 1, 1, 2]", () => {
    const out = new layers.Hashing(3).apply(letters);
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.shape, [5, 1]);
    assert.deepEqual(out.toArray(), [[1], [0], [1], [1], [2]]);
  });

  it("FarmHash64 with mask_value='': the mask gets bin 0", () => {
    const out = new layers.Hashing(3, { maskValue: "" }).apply([["A"], ["B"], [""], ["C"], ["D"]]);
    assert.deepEqual(out.toArray(), [[1], [1], [0], [2], [2]]);
  });

  it("SipHash64 with salt=[133, 137]", () => {
    const out = new layers.Hashing(3, { salt: [133, 137] }).apply(letters);
    assert.deepEqual(out.toArray(), [[1], [2], [1], [0], [2]]);
  });

  it("SipHash64 with a single salt 133 (same as [133, 133])", () => {
    const layer = new layers.Hashing(3, { salt: 133 });
    assert.deepEqual(layer.apply(letters).toArray(), [[0], [0], [2], [1], [0]]);
    assert.deepEqual(layer.getConfig().salt, [133, 133]);
  });
});

describe("Hashing functions", () => {
  it("SipHash-2-4 matches the reference vectors (key 00..0f)", () => {
    const le = (bytes: number[]) => bytes.reduceRight((x, b) => (x << 8n) | BigInt(b), 0n);
    const k0 = le([0, 1, 2, 3, 4, 5, 6, 7]);
    const k1 = le([8, 9, 10, 11, 12, 13, 14, 15]);
    const msg = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    assert.equal(sipHash64(k0, k1, msg(0)), 0x726fdb47dd0e0e31n);
    assert.equal(sipHash64(k0, k1, msg(8)), 0x93f5f5799a932462n);
    assert.equal(sipHash64(k0, k1, msg(15)), 0xa129ca6149be45e5n);
  });

  it("integers hash as their decimal text (TF's as_string), floats truncated first", () => {
    const bins = (s: string) => Number(farmFingerprint64(s) % 7n);
    const ints = st.tensor([[12], [-5], [1000]], undefined, "int32");
    assert.deepEqual(new layers.Hashing(7).apply(ints).toArray(), [
      [bins("12")],
      [bins("-5")],
      [bins("1000")],
    ]);
    const floats = st.tensor([[12.7], [-5.2]]);
    assert.deepEqual(new layers.Hashing(7).apply(floats).toArray(), [[bins("12")], [bins("-5")]]);
  });

  it("an integer mask value on integer inputs", () => {
    const bins = (s: string) => Number(farmFingerprint64(s) % 4n) + 1;
    const out = new layers.Hashing(5, { maskValue: 0 }).apply(
      st.tensor([3, 0, 9], undefined, "int32"),
    );
    assert.deepEqual(out.toArray(), [bins("3"), 0, bins("9")]);
  });
});

describe("Hashing output modes", () => {
  it("one_hot replaces a trailing axis of 1 and appends one otherwise", () => {
    const one = new layers.Hashing(3, { outputMode: "one_hot" });
    assert.equal(one.dtype, "float32");
    assert.deepEqual(one.apply(letters).toArray(), [
      [0, 1, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(one.apply(["A", "E"]).toArray(), [
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it("multi_hot and count reduce the last axis", () => {
    const data = [
      ["A", "B", "C"],
      ["E", "E", "D"],
    ]; // bins [1,0,1] and [2,2,1]
    assert.deepEqual(new layers.Hashing(3, { outputMode: "multi_hot" }).apply(data).toArray(), [
      [1, 1, 0],
      [0, 1, 1],
    ]);
    assert.deepEqual(new layers.Hashing(3, { outputMode: "count" }).apply(data).toArray(), [
      [1, 2, 0],
      [0, 1, 2],
    ]);
  });

  it("symbolic shapes follow the call", () => {
    const x = st.Input({ shape: [4], dtype: "string" });
    assert.deepEqual(new layers.Hashing(8, { outputMode: "count" }).apply(x).shape, [null, 8]);
    assert.deepEqual(new layers.Hashing(8, { outputMode: "one_hot" }).apply(x).shape, [null, 4, 8]);
    const y = new layers.Hashing(8).apply(x);
    assert.deepEqual([y.shape, y.dtype], [[null, 4], "int32"]);
  });
});

describe("Hashing arguments, config and saving", () => {
  it("rejects bad arguments with Keras's conditions", () => {
    assert.throws(() => new layers.Hashing(0), ValueError);
    assert.throws(() => new layers.Hashing(3, { outputMode: "tf_idf" as "int" }), /outputMode/);
    assert.throws(() => new layers.Hashing(3, { salt: [1, 2, 3] as never }), /salt/);
    assert.throws(() => new layers.Hashing(3, { outputMode: "one_hot", sparse: true }), /sparse/);
    assert.throws(() => new layers.Hashing(3, { dtype: "float32" }), /dtype/);
  });

  it("config has Keras's keys and round-trips", () => {
    const layer = new layers.Hashing(4, { maskValue: "", salt: [1, 2], outputMode: "multi_hot" });
    const config = layer.getConfig();
    for (const key of [
      "num_bins",
      "salt",
      "mask_value",
      "output_mode",
      "sparse",
      "name",
      "dtype",
    ]) {
      assert.ok(key in config, key);
    }
    const clone = layers.Hashing.fromConfig(config);
    assert.deepEqual(clone.getConfig(), config);
  });

  it("a model with Hashing saves to .keras and loads with the same outputs", async () => {
    const x = st.tensor([
      ["A", "x"],
      ["q", ""],
    ]);
    const { before, after } = await kerasRoundTrip(
      new layers.Hashing(10, { maskValue: "", salt: 7 }),
      [2],
      "string",
      x,
    );
    assert.deepEqual(after.toArray(), before.toArray());
  });
});
