/**
 * Keras raises on an unknown keyword argument to a layer's call; Strata checks the options of
 * every `apply` (src/layers/option-check.ts): training, mask and the layer's own call options.
 * Calls replayed from a config, and user classes that define their own `apply`, are not checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { CallOptions } from "../../src/layers/layer.js";

const { layers, Input } = st;

const opts = (o: Record<string, unknown>) => o as never;

/** The ValueError `fn` raises. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof st.ValueError, String(e));
    return e.message;
  }
  assert.fail("expected an unknown-call-option error");
}

describe("unknown call options", () => {
  it("a misspelt option names the layer, itself, the closest and every accepted one", () => {
    const dense = new layers.Dense(2, { name: "d" });
    const eager = errorOf(() => dense.apply(st.ones([1, 3]), opts({ trainin: true })));
    assert.equal(
      eager,
      'Layer "d" (Dense) apply: unknown option trainin; did you mean training? (expected one of training, mask)',
    );
    const sym = errorOf(() => dense.apply(Input({ shape: [3] }), opts({ trainin: true })));
    assert.match(sym, /unknown option trainin; did you mean training\?/);
    // a model's apply too, named as the model
    const model = new st.Sequential([new layers.Dense(1, { inputShape: [2] })], { name: "seq" });
    assert.match(
      errorOf(() => model.apply(st.ones([1, 2]), opts({ mask_: null }))),
      /Layer "seq" \(Sequential\) apply: unknown option mask_; did you mean mask\?/,
    );
    // an image preprocessing layer called on a dict of images and boxes
    const flip = new layers.RandomFlip("horizontal");
    assert.match(
      errorOf(() => flip.apply({ images: st.ones([1, 4, 4, 3]) }, opts({ trainng: true }))),
      /\(RandomFlip\) apply: unknown option trainng; did you mean training\?/,
    );
  });

  it("each layer's own call options are known, and their typos refused", () => {
    const q = st.ones([1, 3, 4]);
    const cases: [
      st.layers.Layer,
      unknown,
      Record<string, unknown>,
      Record<string, unknown>,
      RegExp,
    ][] = [
      [
        new layers.Attention(),
        [q, q],
        { returnAttentionScores: true, useCausalMask: true, training: false },
        { returnAttentionScore: true },
        /did you mean returnAttentionScores\? \(expected one of training, mask, returnAttentionScores, useCausalMask\)/,
      ],
      [
        new layers.AdditiveAttention(),
        [q, q],
        { useCausalMask: true },
        { useCasualMask: true },
        /did you mean useCausalMask\?/,
      ],
      [
        new layers.MultiHeadAttention({ numHeads: 2, keyDim: 2 }),
        [q, q],
        { attentionMask: st.ones([1, 3, 3], "bool"), returnAttentionScores: true },
        { attentionMasks: null },
        /did you mean attentionMask\? \(expected one of training, mask, attentionMask, returnAttentionScores, useCausalMask\)/,
      ],
      [
        new layers.LSTM(2),
        q,
        { initialState: [st.zeros([1, 2]), st.zeros([1, 2])] },
        { initialStates: null },
        /did you mean initialState\?/,
      ],
      [
        new layers.Bidirectional(new layers.GRU(2)),
        q,
        { initialState: [st.zeros([1, 2]), st.zeros([1, 2])] },
        { initalState: null },
        /did you mean initialState\?/,
      ],
      [
        new layers.CategoryEncoding({ numTokens: 4, outputMode: "count" }),
        st.tensor([[0, 1, 1]], undefined, "int32"),
        { countWeights: st.tensor([[1, 2, 3]]) },
        { countWeight: null },
        /did you mean countWeights\?/,
      ],
      [
        new layers.ReversibleEmbedding(5, 4),
        st.tensor([[0, 1]], undefined, "int32"),
        { training: false },
        { revers: true },
        /did you mean reverse\?/,
      ],
    ];
    for (const [layer, input, good, bad, message] of cases) {
      const apply = layer.apply as (x: unknown, o?: unknown) => unknown;
      apply.call(layer, input, good);
      assert.match(
        errorOf(() => apply.call(layer, input, bad)),
        message,
        layer.constructor.name,
      );
    }
    // ReversibleEmbedding's own option, on its own output size
    const emb = new layers.ReversibleEmbedding(5, 4);
    const e = emb.apply(st.tensor([[0, 1]], undefined, "int32"));
    assert.deepEqual(
      (emb.apply as (x: Tensor, o: unknown) => Tensor)(e, { reverse: true }).shape,
      [1, 2, 5],
    );
  });

  it("user layers: checked unless their class defines its own apply", () => {
    class Plain extends st.layers.Layer {
      call(x: Tensor | Tensor[]): Tensor {
        return x as Tensor;
      }
    }
    assert.match(
      errorOf(() => new Plain().apply(st.ones([1]), opts({ trainin: true }))),
      /\(Plain\) apply: unknown option trainin; did you mean training\?/,
    );
    let seen: unknown = null;
    class WithOwn extends st.layers.Layer {
      override apply(x: unknown, o: CallOptions & { scale?: number } = {}): never {
        seen = o.scale;
        return super.apply(x as Tensor, o) as never;
      }
      call(x: Tensor | Tensor[]): Tensor {
        return x as Tensor;
      }
    }
    new WithOwn().apply(st.ones([1]), { scale: 3 });
    assert.equal(seen, 3);
    // a user subclass of a built-in without its own apply is checked as the built-in
    class MyDense extends layers.Dense {}
    assert.match(
      errorOf(() => new MyDense(2).apply(st.ones([1, 2]), opts({ trianing: true }))),
      /\(MyDense\) apply: unknown option trianing; did you mean training\?/,
    );
  });

  it("calls replayed from a config are not checked (Keras files record arguments Strata ignores)", () => {
    const x = Input({ shape: [3], name: "x" });
    const model = new st.Model({ inputs: x, outputs: new layers.Dense(2, { name: "d" }).apply(x) });
    const config = JSON.parse(JSON.stringify(model.getConfig())) as {
      layers: { name: string; inbound_nodes: { kwargs?: Record<string, unknown> }[] }[];
    };
    const dense = config.layers.find((l) => l.name === "d")!;
    dense.inbound_nodes[0]!.kwargs = {
      ...(dense.inbound_nodes[0]!.kwargs ?? {}),
      some_keras_arg: 1,
    };
    const back = st.models.modelFromConfig({ class_name: "Functional", config });
    assert.deepEqual((back.predictOnBatch(st.ones([1, 3])) as Tensor).shape, [1, 2]);
  });
});
