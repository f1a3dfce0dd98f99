// Shared helpers of the image preprocessing layer tests: small asymmetric test images and the
// `.keras` round trip (a Sequential model holding the layer, saved, loaded, same outputs).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../../src/index.js";
import type { Layer } from "../../src/layers/layer.js";
import { assertClose } from "../helpers.js";

/** [batch, h, w, c] with value 100·b + 10·row + col + c/10: every pixel says where it is. */
export function positionImages(batch: number, h: number, w: number, c = 1): st.Tensor {
  const data = new Float32Array(batch * h * w * c);
  let k = 0;
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) data[k++] = 100 * b + 10 * y + x + ch / 10;
  return st.tensor(data, [batch, h, w, c]);
}

/** The values of a tensor as nested arrays [b][y][x] of channel 0 (for readable asserts). */
export function channel0(t: st.Tensor): number[][][] {
  const [b, h, w, c] = t.shape as number[];
  const v = t.dataSync();
  return Array.from({ length: b! }, (_, i) =>
    Array.from({ length: h! }, (_, y) =>
      Array.from({ length: w! }, (_, x) => Number(v[((i * h! + y) * w! + x) * c!])),
    ),
  );
}

/**
 * Saves a Sequential model holding `layer` to a `.keras` file, loads it, and checks that the
 * loaded layer has the same config and gives the same outputs (with `training` as given: a
 * seeded random layer must replay the same stream after loading).
 */
export async function kerasRoundTrip(
  make: () => Layer,
  input: st.Tensor,
  training = false,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "strata-image-layer-"));
  try {
    const layer = make();
    const model = new st.Sequential([
      st.layers.Input({ shape: input.shape.slice(1) as number[] }),
      layer,
    ]);
    const path = join(dir, "model.keras");
    await model.save(path);
    const expected = make().apply(input, { training });
    const loaded = await st.models.loadModel(path, { compile: false });
    const again = loaded.layers.at(-1)!;
    assert.equal(again.constructor.name, layer.constructor.name);
    assert.deepEqual(
      (again as unknown as { getConfig(): unknown }).getConfig(),
      (layer as unknown as { getConfig(): unknown }).getConfig(),
    );
    assertClose(again.apply(input, { training }), expected, { rtol: 1e-5, atol: 1e-5 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
