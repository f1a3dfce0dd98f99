// Resizing, CenterCrop and RandomCrop: shapes (eager and symbolic), crops checked against the
// positions the test image encodes, the resize fallbacks, seeding, configs and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { CenterCrop, RandomCrop, Resizing } from "../../src/layers/preprocessing/image/index.js";
import { assertClose } from "../helpers.js";
import { channel0, kerasRoundTrip, positionImages } from "./preprocessing-image-helpers.js";

const resize = st.ops.image.resize;

describe("Resizing", () => {
  const x = positionImages(2, 5, 6, 3);

  it("resizes a batch and one image with ops.image.resize's result", () => {
    const layer = new Resizing(3, 4, { interpolation: "bicubic", antialias: true });
    assertClose(layer.apply(x), resize(x, [3, 4], { interpolation: "bicubic", antialias: true }));
    const one = st.ops.slice(x, [0, 0, 0, 0], [1, 5, 6, 3]).reshape([5, 6, 3]);
    assert.deepEqual(layer.apply(one).shape, [3, 4, 3]);
    const sym = layer.apply(st.layers.Input({ shape: [null, null, 3] }));
    assert.deepEqual(sym.shape, [null, 3, 4, 3]);
  });

  it("crops or pads to the aspect ratio as asked", () => {
    const crop = new Resizing(2, 2, { cropToAspectRatio: true }).apply(x);
    assertClose(crop, resize(st.ops.slice(x, [0, 0, 0, 0], [2, 5, 5, 3]), [2, 2]));
    const pad = new Resizing(6, 6, { padToAspectRatio: true, fillValue: -7 }).apply(
      positionImages(1, 4, 6),
    );
    assert.deepEqual(channel0(pad)[0]![0], [-7, -7, -7, -7, -7, -7]);
    assert.deepEqual(channel0(pad)[0]![1], [0, 1, 2, 3, 4, 5]);
  });

  it("keeps uint8 images uint8 (rounded, as Keras); float64 becomes the layer's float32", () => {
    const u8 = st.tensor(new Uint8Array([0, 255]), [1, 1, 2, 1]);
    const out = new Resizing(1, 4).apply(u8);
    assert.equal(out.dtype, "uint8");
    assert.deepEqual(Array.from(out.dataSync()), [0, 64, 191, 255]);
    assert.equal(new Resizing(2, 2).apply(st.ops.cast(x, "float64")).dtype, "float32");
  });

  it("channels_first resizes the last two axes", () => {
    const cf = new Resizing(3, 4, { dataFormat: "channels_first" }).apply(
      st.ops.transpose(x, [0, 3, 1, 2]),
    );
    assertClose(st.ops.transpose(cf, [0, 2, 3, 1]), resize(x, [3, 4]));
  });

  it("rejects bad arguments with the layer's name; config has Keras's keys", () => {
    assert.throws(() => new Resizing(0, 2), /Resizing.*height must be a positive integer/);
    assert.throws(
      () => new Resizing(2, 2, { interpolation: "cubic" as never }),
      /interpolation must be one of/,
    );
    assert.throws(
      () => new Resizing(2, 2, { cropToAspectRatio: true, padToAspectRatio: true }),
      /only one of/,
    );
    const config = new Resizing(3, 4, { name: "r" }).getConfig();
    for (const key of [
      "height",
      "width",
      "interpolation",
      "crop_to_aspect_ratio",
      "pad_to_aspect_ratio",
      "fill_mode",
      "fill_value",
      "antialias",
      "data_format",
    ])
      assert.ok(key in config, key);
    assert.ok(!("seed" in config));
  });

  it(".keras round trip", async () => {
    await kerasRoundTrip(() => new Resizing(3, 4, { interpolation: "lanczos3", name: "rs" }), x);
  });
});

describe("CenterCrop", () => {
  it("takes the centred window (position image)", () => {
    const out = new CenterCrop(2, 3).apply(positionImages(1, 5, 6));
    // rows ⌊(5 − 2)/2⌋ = 1.., columns ⌊(6 − 3)/2⌋ = 1..
    assert.deepEqual(channel0(out)[0], [
      [11, 12, 13],
      [21, 22, 23],
    ]);
    assert.equal(out.dtype, "float32");
  });

  it("resizes (smart resize, bilinear) when the image is smaller along an axis", () => {
    const x = positionImages(1, 4, 6);
    const out = new CenterCrop(6, 3).apply(x);
    // window of aspect 2:1 in a 4x6 image: 4x2 at column 2, then resized to 6x3
    assertClose(out, resize(st.ops.slice(x, [0, 0, 2, 0], [1, 4, 2, 1]), [6, 3]));
  });

  it("uint8 input gives float32 (Keras casts to the compute dtype); symbolic shape", () => {
    const u8 = st.tensor(new Uint8Array(16).fill(9), [1, 4, 4, 1]);
    const out = new CenterCrop(2, 2).apply(u8);
    assert.equal(out.dtype, "float32");
    assertClose(out, [9, 9, 9, 9]);
    assert.deepEqual(new CenterCrop(2, 3).apply(st.layers.Input({ shape: [8, 8, 3] })).shape, [
      null,
      2,
      3,
      3,
    ]);
  });

  it(".keras round trip", async () => {
    await kerasRoundTrip(() => new CenterCrop(3, 2, { name: "cc" }), positionImages(2, 5, 5, 2));
  });
});

describe("RandomCrop", () => {
  const x = positionImages(3, 6, 8);

  it("in training crops one random window for the whole batch", () => {
    const out = channel0(new RandomCrop(3, 4, { seed: 1 }).apply(x, { training: true }));
    const top = Math.floor(out[0]![0]![0]! / 10);
    const left = out[0]![0]![0]! % 10;
    assert.ok(top <= 3 && left <= 4);
    out.forEach((img, b) =>
      img.forEach((row, y) =>
        row.forEach((v, c) => assert.equal(v, 100 * b + 10 * (top + y) + left + c)),
      ),
    );
  });

  it("covers every position over many draws, and is deterministic for a seed", () => {
    const a = new RandomCrop(5, 7, { seed: 3 });
    const b = new RandomCrop(5, 7, { seed: 3 });
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const oa = a.apply(x, { training: true });
      assertClose(b.apply(x, { training: true }), oa);
      seen.add(oa.dataSync()[0]!);
    }
    assert.deepEqual([...seen].sort(), [0, 1, 10, 11]);
  });

  it("at inference returns the centred aspect-ratio window resized (as Keras documents)", () => {
    const layer = new RandomCrop(3, 3, { seed: 1 });
    const out = layer.apply(x);
    assertClose(out, resize(st.ops.slice(x, [0, 0, 1, 0], [3, 6, 6, 1]), [3, 3]));
    // an image not larger than the target is resized in training too
    const small = positionImages(1, 3, 4);
    assertClose(
      new RandomCrop(4, 4, { seed: 1 }).apply(small, { training: true }),
      resize(st.ops.slice(small, [0, 0, 0, 0], [1, 3, 3, 1]), [4, 4]),
    );
  });

  it("config has height, width, seed, data_format; symbolic shape", () => {
    const config = new RandomCrop(2, 3, { seed: 8 }).getConfig();
    assert.equal(config.seed, 8);
    assert.equal(config.height, 2);
    assert.equal(config.data_format, "channels_last");
    assert.deepEqual(new RandomCrop(2, 3).apply(st.layers.Input({ shape: [8, 8, 1] })).shape, [
      null,
      2,
      3,
      1,
    ]);
  });

  it(".keras round trip (training and inference)", async () => {
    await kerasRoundTrip(() => new RandomCrop(3, 4, { seed: 2, name: "rc" }), x, true);
    await kerasRoundTrip(() => new RandomCrop(3, 4, { seed: 2, name: "rc" }), x, false);
  });
});
