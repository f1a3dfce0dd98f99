// The base of the image preprocessing layers (rank 3 or 4, training gate, seeding, casting,
// factor and value-range conventions) and RandomFlip, the simplest layer built on it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import {
  checkValueRange,
  parseFactor,
  transformValueRange,
} from "../../src/layers/preprocessing/image/base-image-layer.js";
import { RandomFlip } from "../../src/layers/preprocessing/image/index.js";
import { assertClose } from "../helpers.js";
import { channel0, kerasRoundTrip, positionImages } from "./preprocessing-image-helpers.js";

describe("BaseImagePreprocessingLayer", () => {
  it("parseFactor follows Keras's _set_factor", () => {
    assert.deepEqual(parseFactor(0.2, [-1, 1], "L"), [-0.2, 0.2]);
    assert.deepEqual(parseFactor(-0.3, [-1, 1], "L"), [-0.3, 0.3]);
    assert.deepEqual(parseFactor([0.4, -0.1], [-1, 1], "L"), [-0.1, 0.4]);
    assert.deepEqual(parseFactor(0.5, [0, 1], "L"), [0, 0.5]);
    assert.throws(
      () => parseFactor(1.5, [-1, 1], "L"),
      /factor must be .* \[-1, 1\]; received factor=1.5/,
    );
    assert.throws(() => parseFactor([1, 2, 3], [-1, 1], "L"), ValueError);
    assert.throws(() => parseFactor("a", [-1, 1], "L"), ValueError);
  });

  it("value ranges map linearly, and must be [low, high]", () => {
    assert.deepEqual(checkValueRange([0, 255], "L"), [0, 255]);
    assert.throws(() => checkValueRange([1, 0], "L"), /valueRange must be \[low, high\]/);
    const x = st.tensor([0, 127.5, 255]);
    assertClose(transformValueRange(x, [0, 255], [0, 1]), [0, 0.5, 1]);
    assertClose(transformValueRange(x, [0, 255], [-1, 1]), [-1, 0, 1]);
  });

  it("accepts one image or a batch, rejects other ranks with the layer's name", () => {
    const layer = new RandomFlip({ seed: 1, name: "flip" });
    assert.deepEqual(layer.apply(positionImages(1, 2, 3).reshape([2, 3, 1])).shape, [2, 3, 1]);
    assert.deepEqual(layer.apply(positionImages(2, 2, 3), { training: true }).shape, [2, 2, 3, 1]);
    assert.throws(
      () => layer.apply(st.zeros([2, 3])),
      (e: Error) => e instanceof ShapeError && /flip.*rank 3 .* or rank 4/.test(e.message),
    );
  });

  it("random layers are the identity at inference (cast to the layer's dtype, as Keras)", () => {
    const x = st.tensor(new Uint8Array([1, 2, 3, 4, 5, 6]), [1, 2, 3, 1]);
    const out = new RandomFlip({ seed: 3 }).apply(x);
    assert.equal(out.dtype, "float32");
    assertClose(out, [1, 2, 3, 4, 5, 6]);
    assertClose(new RandomFlip({ seed: 3 }).apply(x, { training: false }), [1, 2, 3, 4, 5, 6]);
  });

  it("rejects a bad dataFormat and seed", () => {
    assert.throws(() => new RandomFlip({ dataFormat: "nhwc" as never }), /dataFormat must be/);
    // Keras's positional mode: RandomFlip("horizontal"), alone or with options.
    assert.equal(new RandomFlip("horizontal").mode, "horizontal");
    assert.equal(new RandomFlip("vertical", { seed: 2 }).seed, 2);
    assert.throws(() => new RandomFlip("sideways" as never), /mode must be one of/);
    assert.throws(() => new RandomFlip({ seed: 1.5 }), /seed must be an integer/);
  });
});

describe("RandomFlip", () => {
  const x = positionImages(16, 2, 3);
  const flippedW = [
    [2, 1, 0],
    [12, 11, 10],
  ];
  const flippedH = [
    [10, 11, 12],
    [0, 1, 2],
  ];
  const flippedBoth = [
    [12, 11, 10],
    [2, 1, 0],
  ];
  const same = [
    [0, 1, 2],
    [10, 11, 12],
  ];
  const base = (b: number, img: number[][]) => img.map((r) => r.map((v) => v + 100 * b));

  for (const [mode, flipped] of [
    ["horizontal", flippedW],
    ["vertical", flippedH],
    ["horizontal_and_vertical", flippedBoth],
  ] as const) {
    it(`${mode}: each image is either unchanged or flipped, both occur`, () => {
      const out = channel0(new RandomFlip({ mode, seed: 7 }).apply(x, { training: true }));
      let nFlipped = 0;
      out.forEach((img, b) => {
        const isFlipped = JSON.stringify(img) === JSON.stringify(base(b, flipped));
        assert.ok(isFlipped || JSON.stringify(img) === JSON.stringify(base(b, same)), `image ${b}`);
        if (isFlipped) nFlipped++;
      });
      assert.ok(nFlipped > 0 && nFlipped < 16, `flipped ${nFlipped} of 16`);
    });
  }

  it("is deterministic for a seed, and draws anew on each call", () => {
    const a = new RandomFlip({ seed: 5 });
    const b = new RandomFlip({ seed: 5 });
    const a1 = a.apply(x, { training: true });
    assertClose(b.apply(x, { training: true }), a1);
    const a2 = a.apply(x, { training: true });
    assert.notDeepEqual(Array.from(a2.dataSync()), Array.from(a1.dataSync()));
    assertClose(b.apply(x, { training: true }), a2);
  });

  it("channels_first flips the last two axes", () => {
    const cf = st.ops.transpose(x, [0, 3, 1, 2]);
    const out = new RandomFlip({ seed: 2, dataFormat: "channels_first", mode: "horizontal" }).apply(
      cf,
      { training: true },
    );
    const expected = new RandomFlip({ seed: 2, mode: "horizontal" }).apply(x, { training: true });
    assertClose(st.ops.transpose(out, [0, 2, 3, 1]), expected);
  });

  it("rejects an unknown mode; config has Keras's keys", () => {
    assert.throws(() => new RandomFlip({ mode: "diagonal" as never }), /mode must be one of/);
    const config = new RandomFlip({ seed: 4, mode: "vertical" }).getConfig();
    assert.equal(config.mode, "vertical");
    assert.equal(config.seed, 4);
    assert.equal(config.data_format, "channels_last");
  });

  it(".keras round trip", async () => {
    await kerasRoundTrip(() => new RandomFlip({ seed: 9, name: "rf" }), x, true);
    await kerasRoundTrip(() => new RandomFlip({ seed: 9, name: "rf" }), x, false);
  });
});
