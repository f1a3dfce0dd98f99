// RandomPerspective: identity at inference and when no image is picked (factor 0) or nothing
// moves (scale 0), warps when factor is 1, seeding, config and .keras round trip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { RandomPerspective } from "../../src/layers/preprocessing/image/index.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip, positionImages } from "./preprocessing-image-helpers.js";

describe("RandomPerspective", () => {
  const x = positionImages(4, 8, 9, 2);

  it("is the identity at inference, with factor 0 and with scale 0", () => {
    assertClose(new RandomPerspective({ seed: 1 }).apply(x), x);
    assertClose(new RandomPerspective({ factor: 0, seed: 1 }).apply(x, { training: true }), x);
    assertClose(
      new RandomPerspective({ factor: [1, 1], scale: 0, seed: 1 }).apply(x, { training: true }),
      x,
      {
        atol: 1e-4,
      },
    );
  });

  it("with factor 1 warps every image, each differently; deterministic for a seed", () => {
    const a = new RandomPerspective({ factor: [1, 1], scale: 0.4, seed: 3 });
    const out = a.apply(x, { training: true });
    assert.deepEqual(out.shape, x.shape);
    const per = (t: st.Tensor, b: number) =>
      Array.from(st.ops.slice(t, [b, 0, 0, 0], [1, 8, 9, 2]).dataSync());
    for (let b = 0; b < 4; b++) assert.notDeepEqual(per(out, b), per(x, b), `image ${b} unchanged`);
    assertClose(
      new RandomPerspective({ factor: [1, 1], scale: 0.4, seed: 3 }).apply(x, { training: true }),
      out,
    );
    // the top-left corner does not move (its offsets scale its coordinates, 0)
    assertClose(
      st.ops.slice(out, [0, 0, 0, 0], [4, 1, 1, 2]),
      st.ops.slice(x, [0, 0, 0, 0], [4, 1, 1, 2]),
      {
        atol: 1e-4,
      },
    );
  });

  it("rejects bad arguments; config has Keras's keys", () => {
    assert.throws(
      () => new RandomPerspective({ scale: 1.5 }),
      /scale must be a number in \[0, 1\]/,
    );
    assert.throws(() => new RandomPerspective({ factor: 2 }), /factor must be/);
    assert.throws(
      () => new RandomPerspective({ interpolation: "bicubic" as never }),
      /"nearest" or "bilinear"/,
    );
    const config = new RandomPerspective({ factor: 0.5, seed: 2 }).getConfig();
    assert.deepEqual(config.factor, [0, 0.5]);
    assert.equal(config.scale, 1);
    assert.equal(config.interpolation, "bilinear");
    assert.equal(config.fill_value, 0);
    assert.equal(config.seed, 2);
    assert.equal(config.data_format, "channels_last");
  });

  it(".keras round trip", async () => {
    await kerasRoundTrip(
      () => new RandomPerspective({ factor: [1, 1], scale: 0.3, seed: 4, name: "rp" }),
      x,
      true,
    );
    await kerasRoundTrip(() => new RandomPerspective({ seed: 4, name: "rp" }), x, false);
  });
});
