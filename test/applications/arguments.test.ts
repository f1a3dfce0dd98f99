// The argument checks Keras's applications make before building (keras/src/applications and
// imagenet_utils.obtain_input_shape), as ValueErrors that name the model, the argument and the
// value received.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import * as applications from "../../src/applications/index.js";

const rejects = (p: Promise<unknown>, pattern: RegExp): Promise<void> =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof ValueError, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });

describe("applications: argument checks", () => {
  it('weights: null, "imagenet" or an existing file', async () => {
    await rejects(
      applications.VGG16({ weights: "/no/such/weights.h5" }),
      /^VGG16: the `weights` argument should be either null .*Received: weights=\/no\/such\/weights\.h5/,
    );
  });

  it("ImageNet weights with the top need classes 1000", async () => {
    await rejects(
      applications.ResNet50({ classes: 10 }),
      /^ResNet50: if using weights "imagenet" with includeTop true, classes should be 1000\. Received: classes=10/,
    );
  });

  it("ImageNet weights with the top need the default input shape", async () => {
    await rejects(
      applications.ResNet50V2({ inputShape: [200, 200, 3] }),
      /inputShape should be \[224, 224, 3\]\. Received: inputShape=\[200, 200, 3\]/,
    );
  });

  it("sides of at least 32, three entries, 3 channels with ImageNet weights", async () => {
    await rejects(
      applications.VGG19({ weights: null, includeTop: false, inputShape: [31, 64, 3] }),
      /^VGG19: input size must be at least 32x32; Received: inputShape=\[31, 64, 3\]/,
    );
    await rejects(
      applications.ResNet101({ includeTop: false, inputShape: [64, 64] }),
      /inputShape must be three integers .*\[64, 64\]/,
    );
    await rejects(
      applications.ResNet152({ includeTop: false, inputShape: [64, 64, 1] }),
      /the input must have 3 channels; Received: inputShape=\[64, 64, 1\]/,
    );
  });

  it("the top needs a static input shape", async () => {
    await rejects(
      applications.ResNet50({ weights: null, inputShape: [null, null, 3] }),
      /if includeTop is true, you should specify a static inputShape/,
    );
  });

  it("pretrained weights allow only a softmax or no classifier activation", async () => {
    await rejects(
      applications.ResNet152V2({ classifierActivation: "relu" }),
      /only null and "softmax" activations are allowed .*classifierActivation=relu/,
    );
  });

  it("unknown options, pooling modes and non-symbolic input tensors are refused", async () => {
    await rejects(
      applications.VGG16({ include_top: false } as never),
      /^VGG16: unknown option include_top; expected one of includeTop,/,
    );
    await rejects(
      applications.VGG16({ weights: null, includeTop: false, pooling: "min" as "max" }),
      /pooling should be null, "avg" or "max"\. Received: pooling=min/,
    );
    await rejects(
      applications.ResNet50({ weights: null, inputTensor: st.zeros([1, 32, 32, 3]) as never }),
      /inputTensor should be a symbolic tensor/,
    );
  });

  it("without ImageNet weights: any classes and activation, and other channel counts", async () => {
    const m = await applications.ResNet50({
      weights: null,
      classes: 3,
      classifierActivation: "sigmoid",
      inputShape: [32, 32, 1],
    });
    assert.deepEqual(m.inputs[0]!.shape, [null, 32, 32, 1]);
    assert.equal(m.getLayer("predictions").getConfig().activation, "sigmoid");
  });
});
