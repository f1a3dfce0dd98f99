/**
 * Keras raises on an unknown keyword argument to a layer; Strata checks every built-in layer's
 * options centrally (src/layers/option-check.ts) at the layer's first use. Layers rebuilt from
 * configs (which carry keys Keras ignores) and user subclasses are not checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { deserializeLayer } from "../../src/layers/registry.js";

const { layers, Input } = st;

/** The ValueError a layer's first use raises, for an options object TypeScript would refuse. */
function firstUseError(make: () => st.layers.Layer, input: () => unknown): string {
  const layer = make();
  try {
    (layer.apply as (x: unknown) => unknown)(input());
  } catch (e) {
    assert.ok(e instanceof st.ValueError, String(e));
    return e.message;
  }
  assert.fail("expected an unknown-option error");
}

const opts = (o: Record<string, unknown>) => o as never;

describe("unknown layer options", () => {
  it("a misspelt option names itself and the closest valid one, symbolic or eager", () => {
    const sym = firstUseError(
      () => new layers.Dense(2, opts({ activaton: "relu" })),
      () => Input({ shape: [3] }),
    );
    assert.match(
      sym,
      /Layer "dense[_0-9]*" \(Dense\): unknown option activaton; did you mean activation\?/,
    );
    const eager = firstUseError(
      () => new layers.Conv2D(2, 3, opts({ paddin: "same" })),
      () => st.ones([1, 5, 5, 1]),
    );
    assert.match(eager, /unknown option paddin; did you mean padding\?/);
    // an option far from every valid one: named, with the valid ones listed
    const far = firstUseError(
      () => new layers.Dropout(0.5, opts({ zzzqqq: 1 })),
      () => st.ones([2, 3]),
    );
    assert.match(far, /unknown option zzzqqq \(expected one of .*rate/);
  });

  it("covers layers of every family (recurrent, attention, normalization, pooling, merging)", () => {
    const cases: [() => st.layers.Layer, () => unknown, string][] = [
      [
        () => new layers.LSTM(2, opts({ returnSequence: true })),
        () => st.ones([1, 3, 2]),
        "returnSequences",
      ],
      [
        () => new layers.BatchNormalization(opts({ momentun: 0.9 })),
        () => st.ones([2, 3]),
        "momentum",
      ],
      [
        () => new layers.MaxPooling2D(opts({ poolSize: 2, stride: 2 })),
        () => st.ones([1, 4, 4, 1]),
        "strides",
      ],
      [
        () => new layers.Concatenate(opts({ axes: 1 })),
        () => [st.ones([1, 2]), st.ones([1, 2])],
        "axis",
      ],
      [
        () => new layers.MultiHeadAttention(opts({ numHeads: 2, keyDim: 2, droput: 0.1 })),
        () => [st.ones([1, 2, 4]), st.ones([1, 2, 4])],
        "dropout",
      ],
    ];
    for (const [make, input, near] of cases) {
      assert.match(firstUseError(make, input), new RegExp(`did you mean ${near}\\?`));
    }
  });

  it("Input, Pipeline and FeatureSpace check theirs at construction", () => {
    assert.throws(
      () => Input(opts({ shape: [3], dtyp: "int32" })),
      /Input: unknown option dtyp; did you mean dtype\?/,
    );
    assert.throws(
      () => new layers.Pipeline([], opts({ nmae: "p" })),
      /Pipeline: unknown option nmae; did you mean name\?/,
    );
    assert.throws(
      () => new st.utils.FeatureSpace({ a: "float" }, opts({ outputMod: "dict" })),
      /FeatureSpace: unknown option outputMod; did you mean outputMode\?/,
    );
  });

  it("accepts every valid option, the base ones and those a config does not carry", () => {
    const d = new layers.Dense(2, {
      activation: "relu",
      useBias: false,
      kernelInitializer: "ones",
      name: "d_ok",
      trainable: true,
      dtype: "float32",
      inputShape: [3],
      activityRegularizer: "l2",
    });
    assert.deepEqual(d.apply(st.ones([1, 3])).toArray(), [[3, 3]]);
    // Attention's seed is not in Keras's config, and AdditiveAttention passes scoreMode on
    new layers.Attention({ seed: 3 }).apply([st.ones([1, 2, 2]), st.ones([1, 2, 2])]);
    new layers.AdditiveAttention(opts({ scoreMode: "dot" })).apply([
      st.ones([1, 2, 2]),
      st.ones([1, 2, 2]),
    ]);
    // an RNN hands its options to its cell: only the RNN's are checked
    new layers.GRU(2, { returnSequences: true, goBackwards: true, stateful: false }).apply(
      st.ones([1, 3, 2]),
    );
  });

  it("configs may carry keys Keras ignores: deserializing still works", () => {
    const layer = deserializeLayer({
      module: "keras.layers",
      class_name: "Dense",
      config: {
        name: "from_cfg",
        trainable: true,
        dtype: "float32",
        batch_input_shape: [null, 3],
        units: 2,
        activation: "linear",
        kernel_initializer: { class_name: "Ones", config: {} },
        autocast: true,
        some_key_keras_ignores: 1,
      },
      registered_name: null,
    });
    assert.deepEqual(layer.apply(st.ones([1, 3])).toArray(), [[3, 3]]);
    const direct = layers.Dense.fromConfig({ units: 2, trainable: false, extra_old_key: 0 });
    assert.deepEqual(direct.apply(st.ones([1, 3])).shape, [1, 2]);
  });

  it("user subclasses may pass their own options to super", () => {
    class Scale extends layers.Layer {
      readonly factor: number;
      constructor(args: { factor: number; name?: string }) {
        super(args as never);
        this.factor = args.factor;
      }
      call(x: st.Tensor | st.Tensor[]): st.Tensor {
        return st.ops.multiply(x as st.Tensor, this.factor);
      }
    }
    assert.deepEqual(new Scale({ factor: 2 }).apply(st.ones([1, 2])).toArray(), [[2, 2]]);
  });
});
