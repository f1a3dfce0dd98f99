// imagenet_utils as Keras: preprocessInput's three modes against values computed here by hand
// from Keras's constants, and decodePredictions (best first, Keras's error for a wrong shape,
// the class index fetched through getFile from Keras's URL into the "models" cache).
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { setClassIndex, type ClassIndex } from "../../src/applications/class-index.js";
import * as applications from "../../src/applications/index.js";
import { useTempHome } from "./app-helpers.js";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${i}: ${a[i]} vs ${b[i]}`);
};

// Two pixels (1×2 image, batch 1), RGB.
const PIXELS = [
  [10, 20, 30],
  [200, 100, 0],
];
const image = (): st.Tensor => st.tensor([[PIXELS]]);

describe("applications: preprocessInput", () => {
  it('"caffe" (vgg16, vgg19, resnet): RGB → BGR, minus the BGR mean, unscaled', () => {
    const mean = [103.939, 116.779, 123.68];
    const want = PIXELS.flatMap(([r, g, b]) => [b! - mean[0]!, g! - mean[1]!, r! - mean[2]!]);
    for (const f of [
      applications.vgg16.preprocessInput,
      applications.vgg19.preprocessInput,
      applications.resnet.preprocessInput,
      applications.resnet50.preprocessInput,
    ]) {
      const y = f(image());
      assert.deepEqual(y.shape, [1, 1, 2, 3]);
      assert.equal(y.dtype, "float32");
      close(y.dataSync() as Float32Array, want);
    }
  });

  it('"tf" (resnetV2): x / 127.5 - 1', () => {
    const y = applications.resnetV2.preprocessInput(image());
    close(
      y.dataSync() as Float32Array,
      PIXELS.flat().map((v) => v / 127.5 - 1),
      1e-6,
    );
  });

  it('"torch": x / 255, minus the RGB mean, over the std', () => {
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const y = applications.imagenetUtils.preprocessInput(image(), { mode: "torch" });
    close(
      y.dataSync() as Float32Array,
      PIXELS.flatMap((p) => p.map((v, c) => (v / 255 - mean[c]!) / std[c]!)),
      1e-5,
    );
  });

  it("channels_first, integer inputs cast to float32, and a single image (rank 3)", () => {
    // (3, 1, 2): channel planes.
    const planes = [0, 1, 2].map((c) => [PIXELS.map((p) => p[c]!)]);
    const y = applications.vgg16.preprocessInput(st.tensor(planes, undefined, "int32"), {
      dataFormat: "channels_first",
    });
    assert.equal(y.dtype, "float32");
    const mean = [103.939, 116.779, 123.68];
    // Output plane k is input plane 2 - k minus mean[k].
    close(
      y.dataSync() as Float32Array,
      [0, 1, 2].flatMap((k) => PIXELS.map((p) => p[2 - k]! - mean[k]!)),
    );
    const single = applications.vgg16.preprocessInput(st.tensor(PIXELS.map((p) => [p])));
    assert.deepEqual(single.shape, [2, 1, 3]);
    const x = image();
    applications.vgg16.preprocessInput(x);
    assert.deepEqual([...(x.dataSync() as Float32Array)], PIXELS.flat(), "the input is unchanged");
  });

  it("refuses an unknown mode or data format, and a channel count other than 3", () => {
    const f = applications.imagenetUtils.preprocessInput;
    assert.throws(() => f(image(), { mode: "keras" as "tf" }), /mode to be one of .*mode=keras/);
    // A family fixes its mode, as Keras's vgg16.preprocess_input(x, data_format) does.
    assert.throws(
      () => applications.vgg16.preprocessInput(image(), { mode: "tf" } as never),
      /vgg16\.preprocessInput: unknown option mode; expected dataFormat/,
    );
    assert.deepEqual(Object.keys(applications.resnet50).sort(), [
      "ResNet50",
      "decodePredictions",
      "preprocessInput",
    ]);
    assert.throws(
      () => f(image(), { dataFormat: "nhwc" as "channels_last" }),
      /dataFormat to be one of .*dataFormat=nhwc/,
    );
    assert.throws(
      () => f(st.zeros([1, 4, 4, 2])),
      (e: Error) => e instanceof ValueError && /3 channels.*\[1,4,4,2\]/.test(e.message),
    );
  });
});

/** A class index like Keras's file: class i is ["n<i>", "class<i>"]. */
const FAKE_INDEX: ClassIndex = Object.fromEntries(
  Array.from({ length: 1000 }, (_, i) => [String(i), [`n${i}`, `class${i}`] as [string, string]]),
);

describe("applications: decodePredictions", () => {
  // The "models" cache lives under the home folder; an empty temporary one here.
  const home = useTempHome("strata-apps-");
  afterEach(() => {
    setClassIndex(null);
  });

  it("returns each row's top classes, best first, as [classId, className, score]", async () => {
    setClassIndex(FAKE_INDEX);
    const preds = new Float32Array(2000);
    preds[7] = 0.5;
    preds[3] = 0.25;
    preds[999] = 0.125;
    preds[1000 + 42] = 0.9;
    preds[1000 + 0] = 0.05;
    const out = await applications.vgg16.decodePredictions(st.tensor(preds, [2, 1000]), 3);
    assert.deepEqual(out[0], [
      ["n7", "class7", 0.5],
      ["n3", "class3", 0.25],
      ["n999", "class999", 0.125],
    ]);
    assert.deepEqual(out[1]!.slice(0, 2), [
      ["n42", "class42", 0.8999999761581421],
      ["n0", "class0", 0.05000000074505806],
    ]);
    // Default top 5; ties go to the later class first (NumPy's argsort()[-top:][::-1]).
    const ties = await applications.resnet.decodePredictions(st.zeros([1, 1000]));
    assert.deepEqual(
      ties[0]!.map((p) => p[0]),
      ["n999", "n998", "n997", "n996", "n995"],
    );
  });

  it("refuses predictions that are not (samples, 1000), as Keras does", async () => {
    setClassIndex(FAKE_INDEX);
    await assert.rejects(
      applications.resnetV2.decodePredictions(st.zeros([2, 10])),
      (e: Error) => e instanceof ValueError && /\(samples, 1000\).*\[2,10\]/.test(e.message),
    );
  });

  it("fetches Keras's class index into ~/.strata/models, hash-checked; offline it says where to put it", async () => {
    const urls: string[] = [];
    globalThis.fetch = ((url: string) => {
      urls.push(String(url));
      return Promise.reject(
        new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "offline" } }),
      );
    }) as typeof fetch;
    const where = join(home(), ".strata", "models", "imagenet_class_index.json");
    await assert.rejects(applications.vgg16.decodePredictions(st.zeros([1, 1000])), (e: Error) => {
      assert.match(e.message, /^decodePredictions: could not get ImageNet's class index/);
      assert.ok(e.message.includes(where), e.message);
      return true;
    });
    assert.deepEqual(urls, [
      "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
    ]);
    // A copy in the cache whose md5 is not Keras's (c2c37ea5…) is downloaded again, as Keras does.
    mkdirSync(join(home(), ".strata", "models"), { recursive: true });
    writeFileSync(where, JSON.stringify(FAKE_INDEX));
    await assert.rejects(
      applications.vgg16.decodePredictions(st.zeros([1, 1000])),
      /URL fetch failure/,
    );
    assert.equal(urls.length, 2);
  });
});
