/**
 * Keras's InputSpec: the rules of `assert_input_compatibility` (rank, max / min rank, dtype, axis
 * sizes, shape with null as a wildcard, last-axis squeeze, named inputs), its messages, its config,
 * and a layer's `inputSpec` checked on both eager and symbolic calls, also after `build` sets it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertInputCompatibility } from "../../src/layers/input-spec.js";

const t = (shape: (number | null)[], dtype = "float32") => ({ shape, dtype });

describe("InputSpec", () => {
  it("is exported as st.InputSpec and st.layers.InputSpec and keeps Keras's fields", () => {
    assert.equal(st.InputSpec, st.layers.InputSpec);
    const spec = new st.InputSpec({ shape: [null, 28, 28, 1], dtype: "float32" });
    assert.deepEqual(spec.shape, [null, 28, 28, 1]);
    assert.equal(spec.ndim, 4, "a shape sets ndim");
    assert.equal(spec.dtype, "float32");
    assert.equal(new st.InputSpec({ dtype: "int64" }).dtype, "int32", "standardize_dtype");
    assert.equal(new st.InputSpec({ ndim: 3 }).shape, null);
    assert.equal(
      String(new st.InputSpec({ minNdim: 2, axes: { [-1]: 8 } })),
      "InputSpec(min_ndim=2, axes={-1: 8})",
    );
  });

  it("refuses an axis beyond the rank and non-integer axes", () => {
    assert.throws(() => new st.InputSpec({ ndim: 2, axes: { 2: 4 } }), {
      message: "InputSpec: Axis 2 is greater than the maximum allowed value: 1",
    });
    assert.throws(
      () => new st.InputSpec({ maxNdim: 3, axes: { 3: 4 } }),
      /maximum allowed value: 2/,
    );
    assert.throws(() => new st.InputSpec({ axes: { a: 4 } as never }), /integer keys/);
    assert.throws(() => new st.InputSpec({ shape: [2, -1] }), /non-negative integers or null/);
  });

  it("round-trips its config (Keras's snake_case keys)", () => {
    const spec = new st.InputSpec({
      shape: [null, 3],
      dtype: "float32",
      axes: { 1: 3 },
      optional: true,
    });
    const config = spec.getConfig();
    assert.deepEqual(config, {
      dtype: "float32",
      shape: [null, 3],
      ndim: 2,
      max_ndim: null,
      min_ndim: null,
      axes: { 1: 3 },
      optional: true,
    });
    const back = st.InputSpec.fromConfig(
      JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    );
    assert.deepEqual(back.getConfig(), config);
    const keras = st.InputSpec.fromConfig({ min_ndim: 2, max_ndim: 4 });
    assert.equal(keras.minNdim, 2);
    assert.equal(keras.maxNdim, 4);
  });

  it("checks rank, max / min rank and dtype with Keras's messages", () => {
    const ok = (spec: st.InputSpec, x: { shape: (number | null)[]; dtype: string }) =>
      assertInputCompatibility(spec, x, "lay");
    ok(new st.InputSpec({ ndim: 2 }), t([null, 3]));
    assert.throws(() => ok(new st.InputSpec({ ndim: 2 }), t([4, 3, 2])), {
      message:
        "Input 0 with name 'None' of layer 'lay' is incompatible with the layer: expected ndim=2, " +
        "found ndim=3. Full shape received: (4, 3, 2)",
    });
    ok(new st.InputSpec({ maxNdim: 3 }), t([4, 3, 2]));
    assert.throws(() => ok(new st.InputSpec({ maxNdim: 2 }), t([4, 3, 2])), {
      message:
        "Input 0 with name 'None' of layer 'lay' is incompatible with the layer: expected " +
        "max_ndim=2, found ndim=3",
    });
    assert.throws(() => ok(new st.InputSpec({ minNdim: 2 }), t([5])), {
      message:
        "Input 0 with name 'None' of layer 'lay' is incompatible with the layer: expected " +
        "min_ndim=2, found ndim=1. Full shape received: (5,)",
    });
    ok(new st.InputSpec({ dtype: "int32" }), t([2], "int32"));
    assert.throws(() => ok(new st.InputSpec({ dtype: "int32", name: "ids" }), t([2])), {
      message:
        "Input 0 with name 'ids' of layer 'lay' is incompatible with the layer: expected " +
        "dtype=int32, found dtype=float32",
    });
  });

  it("checks axis sizes (negative axes from the end; an unknown size passes)", () => {
    const spec = new st.InputSpec({ minNdim: 2, axes: { [-1]: 4 } });
    assertInputCompatibility(spec, t([2, 7, 4]), "d");
    assertInputCompatibility(spec, t([2, null]), "d");
    assert.throws(() => assertInputCompatibility(spec, t([2, 5]), "d"), {
      message:
        "Input 0 with name 'None' of layer 'd' is incompatible with the layer: expected axis -1 " +
        "of input shape to have value 4, but received input with shape (2, 5)",
    });
  });

  it("checks the shape with null as a wildcard, squeezing a last axis of 1 when allowed", () => {
    const spec = new st.InputSpec({ shape: [null, 28, 28, 1] });
    assertInputCompatibility(spec, t([5, 28, 28, 1]), "m");
    assert.throws(() => assertInputCompatibility(spec, t([5, 28, 27, 1]), "m"), {
      message:
        "Input 0 with name 'None' of layer 'm' is incompatible with the layer: expected " +
        "shape=(None, 28, 28, 1), found shape=(5, 28, 27, 1)",
    });
    assert.throws(() => assertInputCompatibility(spec, t([5, 28, 28]), "m"), /expected ndim=4/);
    const squeeze = new st.InputSpec({ shape: [null, 28, 28, 1], allowLastAxisSqueeze: true });
    assertInputCompatibility(squeeze, t([5, 28, 28]), "m");
    assertInputCompatibility(squeeze, t([5, 28, 28, 1]), "m");
    assert.throws(
      () => assertInputCompatibility(squeeze, t([5, 28, 27]), "m"),
      /found shape=\(5, 28, 27\)/,
    );
  });

  it("counts inputs, and takes an object of inputs by the specs' names", () => {
    const specs = [new st.InputSpec({ ndim: 2 }), new st.InputSpec({ ndim: 3 })];
    assertInputCompatibility(specs, [t([1, 2]), t([1, 2, 3])], "merge");
    assert.throws(() => assertInputCompatibility(specs, [t([1, 2])], "merge"), {
      message: /^Layer "merge" expects 2 input\(s\), but it received 1 input tensors\./,
    });
    assert.throws(() => assertInputCompatibility(specs, [t([1, 2]), t([1, 2])], "merge"), {
      message: /^Input 1 with name 'None' of layer 'merge' .* expected ndim=3, found ndim=2/,
    });
    const named = [
      new st.InputSpec({ ndim: 2, name: "a" }),
      new st.InputSpec({ ndim: 1, name: "b" }),
    ];
    assertInputCompatibility(named, { b: t([3]), a: t([1, 2]) }, "two");
    assert.throws(() => assertInputCompatibility(named, { a: t([1, 2]) }, "two"), {
      message:
        'Missing data for input "b". You passed a data dictionary with keys [a]. Expected the ' +
        "following keys: [a, b]",
    });
    assert.throws(() => assertInputCompatibility(named, [t([1, 2])], "two"), {
      message: /^Layer "two" expects 2 named input\(s\) with keys \[a, b\], but it received 1/,
    });
    // A null spec leaves its input unchecked; an optional input may be absent.
    assertInputCompatibility(
      [null, new st.InputSpec({ optional: true, ndim: 2 })],
      [t([1]), null],
      "o",
    );
    assert.throws(
      () => assertInputCompatibility(new st.InputSpec({ ndim: 2 }), null, "o"),
      /Inputs to a layer should be tensors/,
    );
  });

  it("is checked when a layer with an inputSpec is called, eagerly and symbolically", () => {
    class Doubler extends st.layers.Layer {
      constructor() {
        super({ name: "doubler" });
        this.inputSpec = new st.InputSpec({ ndim: 2 });
      }
      call(x: st.Tensor | st.Tensor[]): st.Tensor {
        return st.ops.multiply(x as st.Tensor, 2);
      }
    }
    const layer = new Doubler();
    assert.deepEqual(layer.apply(st.tensor([[1, 2]])).toArray(), [[2, 4]]);
    assert.throws(() => layer.apply(st.tensor([1, 2])), {
      message:
        "Input 0 with name 'None' of layer 'doubler' is incompatible with the layer: expected " +
        "ndim=2, found ndim=1. Full shape received: (2,)",
    });
    const x = st.Input({ shape: [3, 4] });
    assert.throws(() => layer.apply(x), /layer 'doubler' .* expected ndim=2, found ndim=3/);
    assert.deepEqual(layer.apply(st.Input({ shape: [4] })).shape, [null, 4]);
  });

  it("is checked again after build, which may pin the last axis (as Keras's Dense does)", () => {
    class Pinned extends st.layers.Layer {
      constructor() {
        super({ name: "pinned" });
        this.inputSpec = new st.InputSpec({ minNdim: 2 });
      }
      override build(shape: st.layers.ShapeSpec | readonly st.layers.ShapeSpec[]): void {
        const last = (shape as st.layers.ShapeSpec).at(-1)!;
        this.inputSpec = new st.InputSpec({ minNdim: 2, axes: { [-1]: last } });
      }
      call(x: st.Tensor | st.Tensor[]): st.Tensor {
        return x as st.Tensor;
      }
    }
    const layer = new Pinned();
    assert.throws(() => layer.apply(st.zeros([3])), /expected min_ndim=2, found ndim=1/);
    assert.equal(layer.built, false, "the spec is checked before building");
    layer.apply(st.zeros([2, 5]));
    assert.throws(() => layer.apply(st.zeros([2, 6])), {
      message:
        "Input 0 with name 'None' of layer 'pinned' is incompatible with the layer: expected " +
        "axis -1 of input shape to have value 5, but received input with shape (2, 6)",
    });
  });
});
