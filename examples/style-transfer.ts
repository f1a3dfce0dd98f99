// Deep Learning with Python, ch. 12 ("Neural style transfer"; keras.io's "Neural style transfer"):
// gradient descent on an image so that VGG19's block5_conv2 activations match a content image's
// and the Gram matrices of block1_conv1 … block5_conv1 match a style image's, plus a
// total-variation loss for smoothness; SGD with an exponentially decaying learning rate (100,
// ×0.96 every 100 steps), the combination image initialized from the content image.
// Only meaningful with VGG19's ImageNet weights: they are used when the Keras file
// (vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5) is in ~/.keras/models or ~/.strata/models;
// otherwise the network is untrained (`weights: null`) and the example says so. The content image
// is a Fashion-MNIST test image resized and made RGB; the style image is a generated pattern of
// coloured waves (this machine has no photographs or paintings). Writes result.png (`--out DIR`).
import { join } from "node:path";
import * as st from "../src/index.js";
import { Model, ops, optimizers } from "../src/index.js";
import { cachedImagenetWeights, dataOptions, outDir, quick, run, seed } from "./common.js";

/** A layer's symbolic output (what `st.Input` returns). */
type Symbolic = ReturnType<typeof st.Input>;

const SIZE = quick ? 48 : 128; // the book: 400 pixels high
const ITERATIONS = quick ? 2 : 200; // the book: 4,000
const STYLE_LAYERS = [
  "block1_conv1",
  "block2_conv1",
  "block3_conv1",
  "block4_conv1",
  "block5_conv1",
];
const CONTENT_LAYER = "block5_conv2";
const TOTAL_VARIATION_WEIGHT = 1e-6;
const STYLE_WEIGHT = 1e-6;
const CONTENT_WEIGHT = 2.5e-8;

/** The Gram matrix of an [h, w, c] feature map: its channels' inner products, [c, c]. */
function gram(x: st.Tensor): st.Tensor {
  const [h, w, c] = x.shape as [number, number, number];
  const features = ops.transpose(x.reshape([h * w, c]), [1, 0]);
  return ops.matmul(features, ops.transpose(features, [1, 0]));
}

function styleLoss(style: st.Tensor, combination: st.Tensor): st.Tensor {
  const s = gram(style);
  const c = gram(combination);
  const channels = 3;
  const size = SIZE * SIZE;
  return ops.divide(ops.sum(ops.square(ops.subtract(s, c))), 4 * channels ** 2 * size ** 2);
}

function contentLoss(base: st.Tensor, combination: st.Tensor): st.Tensor {
  return ops.sum(ops.square(ops.subtract(combination, base)));
}

function totalVariationLoss(x: st.Tensor): st.Tensor {
  const n = SIZE - 1;
  const corner = ops.slice(x, [0, 0, 0, 0], [1, n, n, 3]);
  const a = ops.square(ops.subtract(corner, ops.slice(x, [0, 1, 0, 0], [1, n, n, 3])));
  const b = ops.square(ops.subtract(corner, ops.slice(x, [0, 0, 1, 0], [1, n, n, 3])));
  return ops.sum(ops.power(ops.add(a, b), 1.25));
}

/** Row i of a batch of feature maps, as [h, w, c]. */
function item(x: st.Tensor, i: number): st.Tensor {
  const [, h, w, c] = x.shape as [number, number, number, number];
  return ops.slice(x, [i, 0, 0, 0], [1, h, w, c]).reshape([h, w, c]);
}

/** The style image: diagonal waves in three phase-shifted colours, [1, SIZE, SIZE, 3] in [0, 255]. */
function wavesImage(): st.Tensor {
  const v = new Float32Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      for (let c = 0; c < 3; c++)
        v[(y * SIZE + x) * 3 + c] =
          127.5 + 127.5 * Math.sin((x + 2 * y) / 4 + (c * 2 * Math.PI) / 3 + Math.sin(x / 9) * 2);
  return st.tensor(v, [1, SIZE, SIZE, 3]);
}

/** vgg19.preprocessInput's inverse: ImageNet's BGR means added back, BGR → RGB, clipped. */
function deprocess(x: st.Tensor): st.Tensor {
  const bgr = ops.add(x.reshape([SIZE, SIZE, 3]), st.tensor([103.939, 116.779, 123.68]));
  const rgb = ops.take(bgr, st.tensor(Int32Array.from([2, 1, 0]), [3]), 2);
  return ops.clip(rgb, 0, 255);
}

await run("neural style transfer with VGG19", async () => {
  const weightsFile = cachedImagenetWeights("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5");
  console.log(
    weightsFile === null
      ? "VGG19 with weights: null (no ImageNet file in ~/.keras/models or ~/.strata/models): " +
          "an untrained network, so the result shows the algorithm, not a transferred style"
      : `VGG19 with the ImageNet weights from ${weightsFile}`,
  );
  st.random.setSeed(seed);
  const model = await st.applications.VGG19({ weights: weightsFile, includeTop: false });
  const layerNames = [...STYLE_LAYERS, CONTENT_LAYER];
  const extractor = new Model({
    inputs: model.input,
    outputs: layerNames.map((name) => model.getLayer(name).output as Symbolic),
  });

  const [, [xTest]] = await st.datasets.fashionMnist.loadData(dataOptions);
  const gray = ops.slice(xTest, [0, 0, 0], [1, 28, 28]).reshape([1, 28, 28, 1]).cast("float32");
  const content = ops.image.resize(ops.concatenate([gray, gray, gray], -1), [SIZE, SIZE]);
  const base = st.applications.vgg19.preprocessInput(content);
  const style = st.applications.vgg19.preprocessInput(wavesImage());
  const combination = new st.Variable(base, { name: "combination_image" });

  const computeLoss = (): st.Tensor => {
    const features = extractor.applyAll(ops.concatenate([base, style, combination.value], 0));
    const contentFeatures = features.at(-1)!;
    let loss = ops.multiply(
      CONTENT_WEIGHT,
      contentLoss(item(contentFeatures, 0), item(contentFeatures, 2)),
    );
    for (const layerFeatures of features.slice(0, STYLE_LAYERS.length)) {
      const sl = styleLoss(item(layerFeatures, 1), item(layerFeatures, 2));
      loss = ops.add(loss, ops.multiply(STYLE_WEIGHT / STYLE_LAYERS.length, sl));
    }
    return ops.add(
      loss,
      ops.multiply(TOTAL_VARIATION_WEIGHT, totalVariationLoss(combination.value)),
    );
  };

  const optimizer = new optimizers.SGD(new optimizers.schedules.ExponentialDecay(100, 100, 0.96));
  let first = 0;
  let loss = 0;
  for (let i = 1; i <= ITERATIONS; i++) {
    const { value, grads } = st.valueAndGrad(computeLoss, [combination]);
    optimizer.apply(grads, [combination]);
    loss = value.item() as number;
    if (i === 1) first = loss;
    if (i % 20 === 0 || quick) console.log(`iteration ${i}: loss ${loss.toFixed(2)}`);
  }
  const out = join(outDir("style-transfer"), "result.png");
  await st.utils.saveImg(out, deprocess(combination.value), { scale: false });
  console.log(`wrote ${out} (${SIZE}×${SIZE})`);
  return `loss ${first.toFixed(2)} → ${loss.toFixed(2)} after ${ITERATIONS} steps (${weightsFile === null ? "untrained" : "ImageNet"} weights)`;
});
