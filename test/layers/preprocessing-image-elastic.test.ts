// RandomElasticTransform: identity at inference and with factor or scale 0, distorts every image
// with factor 1, clips to valueRange, seeding, config and .keras round trip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { RandomElasticTransform } from "../../src/layers/preprocessing/image/index.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-image-helpers.js";

describe("RandomElasticTransform", () => {
  const x = st.random.uniform([3, 12, 12, 2], { seed: 2, maxval: 255 });

  it("is the identity at inference and with factor 0 or scale 0", () => {
    assertClose(new RandomElasticTransform({ seed: 1 }).apply(x), x);
    assertClose(new RandomElasticTransform({ factor: 0, seed: 1 }).apply(x, { training: true }), x);
    assertClose(new RandomElasticTransform({ scale: 0, seed: 1 }).apply(x, { training: true }), x);
  });

  it("with factor 1 distorts every image, within valueRange; deterministic for a seed", () => {
    const make = () => new RandomElasticTransform({ factor: [1, 1], scale: [1, 1], seed: 5 });
    const out = make().apply(x, { training: true });
    const per = (t: st.Tensor, b: number) =>
      Array.from(st.ops.slice(t, [b, 0, 0, 0], [1, 12, 12, 2]).dataSync());
    for (let b = 0; b < 3; b++) assert.notDeepEqual(per(out, b), per(x, b));
    const v = Array.from(out.dataSync());
    assert.ok(v.every((p) => p >= 0 && p <= 255));
    assertClose(make().apply(x, { training: true }), out);
    const unit = new RandomElasticTransform({ factor: [1, 1], valueRange: [0, 1], seed: 5 }).apply(
      x,
      { training: true },
    );
    assert.ok(Array.from(unit.dataSync()).every((p) => p >= 0 && p <= 1));
  });

  it("rejects bad arguments; config has Keras's keys", () => {
    assert.throws(() => new RandomElasticTransform({ scale: 2 }), /scale must be/);
    assert.throws(
      () => new RandomElasticTransform({ fillMode: "edge" as never }),
      /fillMode must be one of/,
    );
    assert.throws(() => new RandomElasticTransform({ valueRange: [1, 0] }), /valueRange must be/);
    const config = new RandomElasticTransform({ seed: 3 }).getConfig();
    assert.deepEqual(config.factor, [0, 1]);
    assert.deepEqual(config.scale, [0, 1]);
    assert.deepEqual(config.value_range, [0, 255]);
    assert.equal(config.fill_mode, "reflect");
    assert.equal(config.seed, 3);
  });

  it(".keras round trip", async () => {
    await kerasRoundTrip(
      () => new RandomElasticTransform({ factor: [1, 1], seed: 4, name: "el" }),
      x,
      true,
    );
    await kerasRoundTrip(() => new RandomElasticTransform({ seed: 4, name: "el" }), x, false);
  });
});
