// The gradient with respect to an input image that examples/grad-cam.ts and
// examples/convnet-filters.ts take (st.grad over the image, st.valueAndGrad over an input
// Variable), checked against central finite differences on a tiny convnet.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Input, Model, layers, ops } from "../../src/index.js";

function tinyConvnet(): Model {
  st.random.setSeed(3);
  const inputs = Input({ shape: [5, 5, 1] });
  let x = new layers.Conv2D(2, 3, { activation: "tanh", name: "conv" }).apply(inputs);
  x = new layers.Flatten().apply(x);
  const outputs = new layers.Dense(3, { activation: "softmax" }).apply(x);
  return new Model({ inputs, outputs });
}

/** The score the examples differentiate: the model's output for class 1. */
function score(model: Model, image: st.Tensor): st.Tensor {
  return ops.sum(ops.slice(model.apply(image) as st.Tensor, [0, 1], [1, 1]));
}

describe("examples: gradients with respect to an input image", () => {
  const model = tinyConvnet();
  const values = Float64Array.from({ length: 25 }, (_, i) => Math.sin(1.7 * i) * 0.8);
  const image = st.tensor(Float32Array.from(values), [1, 5, 5, 1]);

  it("st.grad and valueAndGrad over a Variable match central finite differences", () => {
    const viaGrad = st
      .grad((img: st.Tensor) => score(model, img))(image)
      .dataSync();
    const variable = new st.Variable(image);
    const { grads } = st.valueAndGrad(() => score(model, variable.value), [variable]);
    const viaVariable = grads[0]!.dataSync();
    const h = 1e-2;
    let largest = 0;
    for (let i = 0; i < 25; i++) {
      const plus = Float32Array.from(values);
      const minus = Float32Array.from(values);
      plus[i]! += h;
      minus[i]! -= h;
      const fPlus = score(model, st.tensor(plus, [1, 5, 5, 1])).item() as number;
      const fMinus = score(model, st.tensor(minus, [1, 5, 5, 1])).item() as number;
      const numeric = (fPlus - fMinus) / (2 * h);
      largest = Math.max(largest, Math.abs(numeric));
      assert.ok(
        Math.abs(viaGrad[i]! - numeric) < 2e-3,
        `pixel ${i}: grad ${viaGrad[i]} vs finite difference ${numeric}`,
      );
      assert.ok(Math.abs(viaVariable[i]! - viaGrad[i]!) < 1e-6, `pixel ${i}: Variable vs grad`);
    }
    assert.ok(largest > 1e-3, "the finite differences are not all ~0 (the check has teeth)");
  });

  it("the gradient through a cut-out last-convolution model matches (Grad-CAM's)", () => {
    const conv = model.getLayer("conv");
    const convModel = new Model({ inputs: model.input, outputs: conv.output });
    const head = Input({ shape: [3, 3, 2] });
    let x = head;
    for (const layer of model.layers.slice(model.layers.indexOf(conv) + 1)) x = layer.apply(x);
    const classifier = new Model({ inputs: head, outputs: x });
    const map = convModel.predictOnBatch(image) as st.Tensor;
    const viaGrad = st
      .grad((a: st.Tensor) => score(classifier, a))(map)
      .dataSync();
    const m = Float32Array.from(map.dataSync());
    const h = 1e-2;
    for (let i = 0; i < m.length; i++) {
      const plus = Float32Array.from(m);
      const minus = Float32Array.from(m);
      plus[i]! += h;
      minus[i]! -= h;
      const numeric =
        ((score(classifier, st.tensor(plus, map.shape)).item() as number) -
          (score(classifier, st.tensor(minus, map.shape)).item() as number)) /
        (2 * h);
      assert.ok(Math.abs(viaGrad[i]! - numeric) < 2e-3, `cell ${i}: ${viaGrad[i]} vs ${numeric}`);
    }
  });
});
