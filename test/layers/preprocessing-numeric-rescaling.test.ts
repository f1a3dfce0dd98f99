// Rescaling (Keras's keras.layers.Rescaling): x · scale + offset, ints cast to float32.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Rescaling } from "../../src/layers/preprocessing/numeric/rescaling.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { assertKerasRoundTrip } from "./preprocessing-numeric-roundtrip.js";

describe("Rescaling", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Rescaling(0.5, { offset: -1, dtype }), {
      inputShape: [2, 3],
      expectedOutputShape: [2, 3],
      expectedNumTrainableWeights: 0,
      expectedNumNonTrainableWeights: 0,
    });
  });

  it("maps [0, 255] uint8 pixels to [-1, 1] floats (scale 1/127.5, offset -1)", () => {
    const x = st.tensor([0, 127, 255, 51], [1, 4], "uint8");
    const y = new Rescaling(1 / 127.5, { offset: -1 }).apply(x);
    assert.equal(y.dtype, "float32");
    assertClose(y, [-1, 127 / 127.5 - 1, 1, 51 / 127.5 - 1], { atol: 1e-6 });
  });

  it("casts int32 inputs to the layer dtype and scales per channel", () => {
    const x = st.tensor([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    const y = new Rescaling([1, 10, 100], { offset: [0, 1, 2] }).apply(x);
    assert.equal(y.dtype, "float32");
    assert.deepEqual(y.toArray(), [
      [1, 21, 302],
      [4, 51, 602],
    ]);
    const y64 = new Rescaling(2, { dtype: "float64" }).apply(x);
    assert.equal(y64.dtype, "float64");
  });

  it("writes Keras's config keys and reads a NumPy scale as Keras serializes it", () => {
    const layer = new Rescaling(1 / 255, { name: "rescale" });
    const config = layer.getConfig();
    assert.equal(config.scale, 1 / 255);
    assert.equal(config.offset, 0);
    const fromNumpy = Rescaling.fromConfig({
      ...config,
      scale: { class_name: "__numpy__", config: { value: [2, 3], dtype: "float32" } },
    });
    assert.deepEqual(fromNumpy.scale, [2, 3]);
    assert.throws(() => new Rescaling("x" as unknown as number), /scale must be a number/);
  });

  it("round-trips through a .keras file", async () => {
    await assertKerasRoundTrip(
      new Rescaling(1 / 255, { offset: 0.5 }),
      st.tensor([0, 10, 200, 255], [2, 2], "uint8"),
    );
  });
});
