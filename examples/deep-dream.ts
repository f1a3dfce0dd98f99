// Deep Learning with Python, ch. 12 ("DeepDream"; keras.io's "Deep Dream"): gradient ascent on an
// image to maximize the activations of InceptionV3's mixed4–mixed7 layers, run over successive
// octaves (the image upscaled 1.4× each time, the detail lost by the downscaling reinjected).
// Only meaningful with InceptionV3's ImageNet weights: they are used when the Keras file
// (inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5) is in ~/.keras/models or
// ~/.strata/models; otherwise the network is untrained (`weights: null`), the example says so,
// and its dream shows the algorithm running, not ImageNet's patterns. The base image is a
// Fashion-MNIST test image resized and made RGB (this machine has no photographs). Writes
// dream.png (`--out DIR`).
import { join } from "node:path";
import * as st from "../src/index.js";
import { Model, ops } from "../src/index.js";
import { cachedImagenetWeights, dataOptions, outDir, quick, run, seed } from "./common.js";

/** A layer's symbolic output (what `st.Input` returns). */
type Symbolic = ReturnType<typeof st.Input>;

// The book's settings: each layer's contribution to the loss.
const LAYER_SETTINGS: Record<string, number> = {
  mixed4: 1.0,
  mixed5: 1.5,
  mixed6: 2.0,
  mixed7: 2.5,
};
const STEP = 0.01; // keras.io's step along the gradient divided by its mean absolute value
const NUM_OCTAVE = quick ? 2 : 3;
const OCTAVE_SCALE = 1.4;
const ITERATIONS = quick ? 1 : 20;
const MAX_LOSS = 15.0;
const SIZE = quick ? 106 : 300; // the largest octave; the smallest must stay ≥ 75 (InceptionV3's minimum)

/** The book's `compute_loss`: each layer's mean squared activation (border excluded), weighted. */
function dreamLoss(extractor: Model, image: st.Tensor): st.Tensor {
  const activations = extractor.applyAll(image);
  let loss: st.Tensor = st.tensor(0);
  Object.values(LAYER_SETTINGS).forEach((coeff, i) => {
    const a = activations[i]!;
    const [, h, w, c] = a.shape as [number, number, number, number];
    const b = h > 4 && w > 4 ? 2 : 0; // the 2-pixel border, where the map is large enough
    const inner = ops.slice(a, [0, b, b, 0], [1, h - 2 * b, w - 2 * b, c]);
    loss = ops.add(loss, ops.multiply(coeff, ops.mean(ops.square(inner))));
  });
  return loss;
}

/** The book's `gradient_ascent_loop`: steps along the mean-abs-normalized gradient. */
function gradientAscent(extractor: Model, image: st.Tensor): { image: st.Tensor; loss: number } {
  const variable = new st.Variable(image, { name: "dream" });
  let loss = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const { value, grads } = st.valueAndGrad(
      () => dreamLoss(extractor, variable.value),
      [variable],
    );
    loss = value.item() as number;
    if (loss > MAX_LOSS) break;
    const g = grads[0]!;
    const normalized = ops.divide(g, ops.maximum(ops.mean(ops.abs(g)), 1e-6));
    variable.assign(ops.add(variable.value, ops.multiply(STEP, normalized)));
  }
  return { image: variable.value, loss };
}

await run("DeepDream with InceptionV3", async () => {
  const weightsFile = cachedImagenetWeights(
    "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
  );
  console.log(
    weightsFile === null
      ? "InceptionV3 with weights: null (no ImageNet file in ~/.keras/models or ~/.strata/models): " +
          "an untrained network, so the dream shows the algorithm, not learned patterns"
      : `InceptionV3 with the ImageNet weights from ${weightsFile}`,
  );
  st.random.setSeed(seed);
  const model = await st.applications.InceptionV3({ weights: weightsFile, includeTop: false });
  const extractor = new Model({
    inputs: model.input,
    outputs: Object.keys(LAYER_SETTINGS).map((name) => model.getLayer(name).output as Symbolic),
  });

  // The base image: a Fashion-MNIST test image, RGB, preprocessed as InceptionV3 wants ([−1, 1]).
  const [, [xTest]] = await st.datasets.fashionMnist.loadData(dataOptions);
  const gray = ops.slice(xTest, [0, 0, 0], [1, 28, 28]).reshape([1, 28, 28, 1]).cast("float32");
  const rgb = ops.concatenate([gray, gray, gray], -1);
  const original = st.applications.inceptionV3.preprocessInput(ops.image.resize(rgb, [SIZE, SIZE]));

  const shapes: number[] = [];
  for (let i = NUM_OCTAVE - 1; i >= 0; i--) shapes.push(Math.round(SIZE / OCTAVE_SCALE ** i));
  console.log(`octaves ${shapes.map((s) => `${s}×${s}`).join(" → ")}, ${ITERATIONS} steps each`);
  let shrunkOriginal = ops.image.resize(original, [shapes[0]!, shapes[0]!]);
  let image = original;
  let loss = 0;
  for (const [i, s] of shapes.entries()) {
    image = ops.image.resize(image, [s, s]);
    ({ image, loss } = gradientAscent(extractor, image));
    // Reinject the detail the downscaling lost.
    const upscaledShrunk = ops.image.resize(shrunkOriginal, [s, s]);
    const sameSize = ops.image.resize(original, [s, s]);
    image = ops.add(image, ops.subtract(sameSize, upscaledShrunk));
    shrunkOriginal = ops.image.resize(original, [s, s]);
    console.log(`octave ${i + 1} (${s}×${s}): loss ${loss.toFixed(4)}`);
  }
  const out = join(outDir("deep-dream"), "dream.png");
  const pixels = ops.clip(ops.multiply(ops.add(image, 1), 127.5), 0, 255).reshape([SIZE, SIZE, 3]);
  await st.utils.saveImg(out, pixels, { scale: false });
  console.log(`wrote ${out}`);
  return `final loss ${loss.toFixed(4)} (${weightsFile === null ? "untrained" : "ImageNet"} weights)`;
});
