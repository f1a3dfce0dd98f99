// Deep Learning with Python, ch. 9 ("Interpreting what convnets learn"): where a trained convnet
// looks. For a few Fashion-MNIST test images it writes (`--out DIR`, default a temp folder):
//  - saliency.png: the gradient of the top class score with respect to the input image, taken
//    twice, with `st.valueAndGrad` over an input `Variable` and with `st.grad` over the image,
//    and the two checked to agree;
//  - grad-cam.png: the book's Grad-CAM: the gradient of the top class score with respect to the
//    last convolution's output map, averaged per channel into channel weights; the weighted map,
//    rectified and normalized, resized to the image, coloured and superimposed on it.
// The book runs Grad-CAM on an ImageNet Xception; here it is a convnet the example trains on
// Fashion-MNIST (fashion-convnet.ts), so the heatmaps are 3 × 3 cells resized to 28 × 28.
import { join } from "node:path";
import * as st from "../src/index.js";
import { Input, Model, ops } from "../src/index.js";
import { outDir, run } from "./common.js";
import { CLASSES, grid, row, toByteRange, trainFashionConvnet } from "./fashion-convnet.js";

/** A layer's symbolic output (what `st.Input` returns). */
type Symbolic = ReturnType<typeof st.Input>;

const SHOW = 6; // images shown
const SCALE = 4; // each 28 × 28 image is written 4 times larger

/** The "jet" colormap for values in [0, 1]: [h, w] → [h, w, 3] in [0, 255]. */
function jet(map: st.Tensor): st.Tensor {
  const v = map.dataSync();
  const out = new Float32Array(v.length * 3);
  const ramp = (x: number): number => Math.min(1, Math.max(0, 1.5 - Math.abs(x)));
  for (let i = 0; i < v.length; i++) {
    const t = 4 * v[i]!;
    out[3 * i] = 255 * ramp(t - 3);
    out[3 * i + 1] = 255 * ramp(t - 2);
    out[3 * i + 2] = 255 * ramp(t - 1);
  }
  return st.tensor(out, [...map.shape, 3]);
}

/** Enlarges an [h, w, c] image SCALE times (nearest neighbour, so pixels stay visible). */
function enlarge(image: st.Tensor): st.Tensor {
  const [h, w] = image.shape as [number, number, number];
  return ops.image.resize(image, [h * SCALE, w * SCALE], { interpolation: "nearest" });
}

await run("Grad-CAM on a Fashion-MNIST convnet", async () => {
  const { model, accuracy, xTest } = await trainFashionConvnet();
  const out = outDir("grad-cam");

  // The book's two models: the input up to the last convolution (cut out with a layer's
  // symbolic output), and the classifier on top of it (the layers after it, reapplied).
  const lastConv = model.getLayer("last_conv");
  const lastConvModel = new Model({ inputs: model.input, outputs: lastConv.output });
  const mapShape = (lastConv.output as Symbolic).shape.slice(1) as number[];
  const classifierInput = Input({ shape: mapShape });
  let x = classifierInput;
  for (const layer of model.layers.slice(model.layers.indexOf(lastConv) + 1)) x = layer.apply(x);
  const classifier = new Model({ inputs: classifierInput, outputs: x });

  const saliencies: st.Tensor[] = [];
  const overlays: st.Tensor[] = [];
  let largestGap = 0;
  const labels: string[] = [];
  for (let i = 0; i < SHOW; i++) {
    const image = row(xTest, i); // [1, 28, 28, 1] in [0, 255]
    const preds = model.predictOnBatch(image) as st.Tensor;
    const top = ops.argmax(preds, -1).dataSync()[0]!;
    const score = (p: st.Tensor): st.Tensor => ops.sum(ops.slice(p, [0, top], [1, 1]));
    labels.push(CLASSES[top]!);

    // Gradient with respect to the input, as a Variable under valueAndGrad ...
    const input = new st.Variable(image, { name: "input_image" });
    const { grads } = st.valueAndGrad(() => score(model.apply(input.value) as st.Tensor), [input]);
    // ... and as a function's argument under grad: the same tensor.
    const viaGrad = st.grad((img: st.Tensor) => score(model.apply(img) as st.Tensor))(image);
    const gap = ops.max(ops.abs(ops.subtract(grads[0]!, viaGrad))).item() as number;
    largestGap = Math.max(largestGap, gap);
    saliencies.push(enlarge(toByteRange(ops.abs(grads[0]!)).reshape([28, 28, 1])));

    // Grad-CAM: the top class's gradient with respect to the last convolution's output.
    const convOutput = lastConvModel.predictOnBatch(image) as st.Tensor;
    const convGrads = st.grad((a: st.Tensor) => score(classifier.apply(a) as st.Tensor))(
      convOutput,
    );
    const pooledGrads = ops.mean(convGrads, [0, 1, 2]); // one weight per channel
    let heatmap = ops.mean(ops.multiply(convOutput, pooledGrads), -1).reshape(mapShape.slice(0, 2));
    heatmap = ops.relu(heatmap);
    heatmap = ops.divide(heatmap, ops.maximum(ops.max(heatmap), 1e-8));
    const resized = ops.image.resize(heatmap.reshape([...mapShape.slice(0, 2), 1]), [28, 28]);
    const colored = jet(ops.clip(resized, 0, 1).reshape([28, 28]));
    const gray = ops.concatenate([image, image, image], -1).reshape([28, 28, 3]);
    overlays.push(enlarge(ops.clip(ops.add(ops.multiply(colored, 0.4), gray), 0, 255)));
  }
  await st.utils.saveImg(join(out, "saliency.png"), grid(ops.stack(saliencies), SHOW), {
    scale: false,
  });
  await st.utils.saveImg(join(out, "grad-cam.png"), grid(ops.stack(overlays), SHOW), {
    scale: true,
  });
  console.log(`predicted classes of the ${SHOW} images: ${labels.join(", ")}`);
  console.log(
    `input gradients from valueAndGrad(Variable) and grad(image) differ by at most ${largestGap.toExponential(2)}`,
  );
  console.log(`wrote ${join(out, "saliency.png")} and ${join(out, "grad-cam.png")}`);
  return `test accuracy ${accuracy.toFixed(4)}, ${SHOW} heatmaps`;
});
