// Deep Learning with Python, ch. 9 ("Interpreting what convnets learn"): intermediate activations
// and filter patterns of a convnet the example trains on Fashion-MNIST (fashion-convnet.ts).
// Writes (`--out DIR`, default a temp folder):
//  - activations-<layer>.png: every channel of each convolution and pooling layer's output for
//    one test image, from a model cut out of the trained one with the layers' symbolic outputs;
//  - filters-<layer>.png: the input pattern each of the layer's first filters responds to most,
//    found by gradient ascent on the image (the book's `gradient_ascent_step`: the mean activation
//    of one filter, its gradient with respect to an input Variable, L2-normalized, added).
import { join } from "node:path";
import * as st from "../src/index.js";
import { Model, ops } from "../src/index.js";
import { outDir, quick, run, seed } from "./common.js";
import { grid, row, toByteRange, trainFashionConvnet } from "./fashion-convnet.js";

/** A layer's symbolic output (what `st.Input` returns). */
type Symbolic = ReturnType<typeof st.Input>;

const LAYERS = ["conv1", "pool1", "conv2", "pool2", "last_conv"];
const FILTER_LAYERS = ["conv1", "conv2", "last_conv"];
const FILTERS = quick ? 4 : 16; // filters shown per layer
const ITERATIONS = quick ? 3 : 30;
const LEARNING_RATE = 10;

/** The book's `compute_loss`: the mean activation of one filter, the border pixels left out. */
function filterLoss(extractor: Model, image: st.Tensor, filter: number): st.Tensor {
  const activation = extractor.apply(image) as st.Tensor;
  const [, h, w, c] = activation.shape as [number, number, number, number];
  const border = h > 6 ? 2 : 0;
  const inner = ops.slice(
    activation,
    [0, border, border, 0],
    [1, h - 2 * border, w - 2 * border, c],
  );
  return ops.mean(ops.slice(inner, [0, 0, 0, filter], [1, h - 2 * border, w - 2 * border, 1]));
}

/** The book's `generate_filter_pattern`: gradient ascent from a grey image with a little noise. */
function filterPattern(extractor: Model, filter: number): { image: st.Tensor; loss: number } {
  const image = new st.Variable(
    ops.multiply(st.random.uniform([1, 28, 28, 1], { minval: 0.4, maxval: 0.6, seed }), 255),
    { name: "pattern" },
  );
  let loss = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const { value, grads } = st.valueAndGrad(
      () => filterLoss(extractor, image.value, filter),
      [image],
    );
    const g = grads[0]!;
    const normalized = ops.divide(g, ops.maximum(ops.sqrt(ops.sum(ops.square(g))), 1e-12));
    image.assign(ops.add(image.value, ops.multiply(LEARNING_RATE, normalized)));
    loss = value.item() as number;
  }
  return { image: image.value, loss };
}

/** The book's `deprocess_image`: centred, 0.15 standard deviations per unit, clipped to [0, 255]. */
function deprocess(image: st.Tensor): st.Tensor {
  const centred = ops.subtract(image, ops.mean(image));
  const std = ops.maximum(ops.std(centred), 1e-8);
  const scaled = ops.add(ops.multiply(ops.divide(centred, std), 0.15), 0.5);
  return ops.multiply(ops.clip(scaled, 0, 1), 255).reshape([28, 28, 1]);
}

await run("convnet activations and filter patterns", async () => {
  const { model, accuracy, xTest } = await trainFashionConvnet();
  const out = outDir("convnet-filters");

  // Intermediate activations: one model whose outputs are the chosen layers' outputs.
  const activationModel = new Model({
    inputs: model.input,
    outputs: LAYERS.map((name) => model.getLayer(name).output as Symbolic),
  });
  const activations = activationModel.predictOnBatch(row(xTest, 0)) as st.Tensor[];
  const written: string[] = [];
  for (const [k, name] of LAYERS.entries()) {
    const a = activations[k]!; // [1, h, w, c]
    const [, h, w, c] = a.shape as [number, number, number, number];
    // One tile per channel, each scaled to its own range as the book's plots are.
    const channels = ops.transpose(a.reshape([h, w, c]), [2, 0, 1]).reshape([c, h, w, 1]);
    const tiles = ops.stack(
      Array.from({ length: c }, (_, i) => toByteRange(row(channels, i)).reshape([h, w, 1])),
    );
    const file = join(out, `activations-${name}.png`);
    await st.utils.saveImg(file, grid(tiles, 16, 1), { scale: false });
    written.push(`${name} ${h}×${w}×${c}`);
  }
  console.log(`activations of one test image: ${written.join(", ")}`);

  // Filter patterns: gradient ascent on the input for each layer's first filters.
  for (const name of FILTER_LAYERS) {
    const extractor = new Model({
      inputs: model.input,
      outputs: model.getLayer(name).output as Symbolic,
    });
    const patterns: st.Tensor[] = [];
    const losses: number[] = [];
    for (let f = 0; f < FILTERS; f++) {
      const { image, loss } = filterPattern(extractor, f);
      patterns.push(deprocess(image));
      losses.push(loss);
    }
    await st.utils.saveImg(join(out, `filters-${name}.png`), grid(ops.stack(patterns), 8), {
      scale: false,
    });
    const mean = losses.reduce((s, v) => s + v, 0) / losses.length;
    console.log(
      `${name}: ${FILTERS} filter patterns after ${ITERATIONS} ascent steps, mean activation ${mean.toFixed(4)}`,
    );
  }
  console.log(`wrote the PNG files to ${out}`);
  return `test accuracy ${accuracy.toFixed(4)}; ${FILTER_LAYERS.length} layers' filter patterns`;
});
