// ops.image.reconstructPatches inverts extractPatches for non-overlapping patches: 2-D and 3-D,
// "valid" and "same" padding, batched or not, either data format; Keras's documented shapes.
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { assertClose, eachBackend } from "../helpers.js";

eachBackend("ops.image.reconstructPatches", () => {
  const { extractPatches, extractPatches3d, reconstructPatches } = st.ops.image;

  it("Keras's example: (2, 20, 20, 3) → 5x5 patches → back", () => {
    const image = st.random.uniform([2, 20, 20, 3], { seed: 1 });
    const patches = extractPatches(image, [5, 5]);
    assert.deepEqual(patches.shape, [2, 4, 4, 75]);
    assertClose(reconstructPatches(patches, [5, 5], [20, 20]), image);
  });

  it("'same' padding: the reconstruction drops the padding extraction added", () => {
    const image = st.random.uniform([7, 9, 2], { seed: 2 });
    const patches = extractPatches(image, [3, 4], { padding: "same" });
    assert.deepEqual(patches.shape, [3, 3, 24]);
    assertClose(reconstructPatches(patches, [3, 4], [7, 9], { padding: "same" }), image);
  });

  it("channels_first and 3-D volumes round trip", () => {
    const image = st.random.uniform([2, 3, 8, 6], { seed: 3 });
    const patches = extractPatches(image, 2, { dataFormat: "channels_first" });
    assert.deepEqual(patches.shape, [2, 12, 4, 3]);
    assertClose(reconstructPatches(patches, 2, [8, 6], { dataFormat: "channels_first" }), image);
    const volume = st.random.uniform([2, 6, 4, 6, 2], { seed: 4 });
    const cubes = extractPatches3d(volume, 2);
    assert.deepEqual(cubes.shape, [2, 3, 2, 3, 16]);
    assertClose(reconstructPatches(cubes, [2, 2, 2], [6, 4, 6]), volume);
  });

  it("rejects overlapping strides and inconsistent sizes", () => {
    const patches = extractPatches(st.zeros([8, 8, 1]), 2);
    assert.throws(
      () => reconstructPatches(patches, 2, [8, 8], { strides: 1 }),
      (e: Error) => e instanceof ValueError && /non-overlapping/.test(e.message),
    );
    assert.throws(() => reconstructPatches(patches, 2, [7, 8]), /outputSize must be grid × size/);
    assert.throws(
      () => reconstructPatches(patches, 2, [5, 8], { padding: "same" }),
      /outputSize\[0\] must be in \(6, 8\]/,
    );
    assert.throws(() => reconstructPatches(patches, 3, [9, 9]), /not divisible/);
  });
});
