/**
 * ops.rearrange (keras.ops.rearrange) against index loops written in the test, Keras's docstring
 * shapes and einops_test.py's cases, its errors, and a finite-difference gradient.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose, gradcheck, randn } from "../helpers.js";

const { rearrange } = st.ops;

describe("ops.rearrange", () => {
  it("gives the shapes of Keras's docstring", () => {
    const images = st.random.uniform([32, 30, 40, 3], { seed: 1 });
    const cases: [string, Record<string, number>, number[]][] = [
      ["b h w c -> b c h w", {}, [32, 3, 30, 40]],
      ["b h w c -> (b h) w c", {}, [960, 40, 3]],
      ["b h w c -> h (b w) c", {}, [30, 1280, 3]],
      ["b h w c -> b (c h w)", {}, [32, 3600]],
      ["b (h1 h) (w1 w) c -> (b h1 w1) h w c", { h1: 2, w1: 2 }, [128, 15, 20, 3]],
      ["b (h h1) (w w1) c -> b h w (c h1 w1)", { h1: 2, w1: 2 }, [32, 15, 20, 12]],
    ];
    for (const [pattern, lengths, shape] of cases)
      assert.deepEqual(rearrange(images, pattern, lengths).shape, shape, pattern);
  });

  it("moves every element where index loops put it", () => {
    const x = st.tensor(
      Float64Array.from({ length: 2 * 4 * 6 * 3 }, (_, i) => i),
      [2, 4, 6, 3],
    );
    const v = x.dataSync();
    const at = (b: number, h: number, w: number, c: number) => v[((b * 4 + h) * 6 + w) * 3 + c]!;
    // space to depth: out[b, h, w, (c h1 w1)] = x[b, 2h + h1, 3w + w1, c]
    const s2d: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 2; h++)
        for (let w = 0; w < 2; w++)
          for (let c = 0; c < 3; c++)
            for (let h1 = 0; h1 < 2; h1++)
              for (let w1 = 0; w1 < 3; w1++) s2d.push(at(b, 2 * h + h1, 3 * w + w1, c));
    const y = rearrange(x, "b (h h1) (w w1) c -> b h w (c h1 w1)", { h1: 2, w1: 3 });
    assert.deepEqual(y.shape, [2, 2, 2, 18]);
    assertClose(y, s2d, { atol: 0 });
    // patches into the batch: out[(b h1 w1), h, w, c] = x[b, h1·2 + h, w1·3 + w, c]
    const patches: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let h1 = 0; h1 < 2; h1++)
        for (let w1 = 0; w1 < 2; w1++)
          for (let h = 0; h < 2; h++)
            for (let w = 0; w < 3; w++)
              for (let c = 0; c < 3; c++) patches.push(at(b, h1 * 2 + h, w1 * 3 + w, c));
    // h1 given, h inferred; w inferred, w1 given
    const p = rearrange(x, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", { h1: 2, w1: 2 });
    assert.deepEqual(p.shape, [8, 2, 3, 3]);
    assertClose(p, patches, { atol: 0 });
    // channels first, then width merged with batch: out[c, h, (w b)] = x[b, h, w, c]
    const merged: number[] = [];
    for (let c = 0; c < 3; c++)
      for (let h = 0; h < 4; h++)
        for (let w = 0; w < 6; w++) for (let b = 0; b < 2; b++) merged.push(at(b, h, w, c));
    assertClose(rearrange(x, "b h w c -> c h (w b)"), merged, { atol: 0 });
  });

  it("passes einops_test.py's cases", () => {
    const x = st.random.uniform([2, 3, 4], { seed: 2 });
    assertClose(rearrange(x, "b c h -> b h c"), st.ops.transpose(x, [0, 2, 1]), { atol: 0 });
    const y = st.random.uniform([2, 4, 4, 3], { seed: 3 });
    assertClose(rearrange(y, "b h w c -> (b h) w c"), st.ops.reshape(y, [8, 4, 3]), { atol: 0 });
    assert.deepEqual(
      rearrange(st.random.uniform([6, 8], { seed: 4 }), "(h w) c -> h w c", { h: 2, w: 3 }).shape,
      [2, 3, 8],
    );
    const ones = st.ones([2, 3, 4]);
    assertClose(rearrange(ones, "b h c -> b h c"), ones, { atol: 0 });
  });

  it("differentiates", () => {
    gradcheck((t) => rearrange(t, "a (b c) d -> (d a) c b", { c: 2 }), [randn([2, 4, 3], 5)]);
  });

  it("refuses patterns that do not fit", () => {
    const x = st.zeros([6, 8]);
    assert.throws(() => rearrange(x, "a b c -> a b c"), st.ShapeError);
    assert.throws(() => rearrange(x, "a b"), /one "->"/);
    assert.throws(() => rearrange(x, "(h w) c -> h w c"), /infer both/);
    assert.throws(() => rearrange(x, "(h w) c -> h w c", { h: 4 }), /dimension 0/);
    assert.throws(() => rearrange(x, "a b -> a b z"), /both sides/);
    assert.throws(() => rearrange(x, "a b -> a"), /both sides/);
    assert.throws(() => rearrange(x, "a a -> a"), /twice/);
    assert.throws(() => rearrange(x, "a b -> a, b"), /unexpected ","/);
  });
});
