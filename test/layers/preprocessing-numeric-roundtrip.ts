/**
 * Shared check for the numeric and colour preprocessing layers: a model holding the layer is saved
 * to a `.keras` file in a fresh temporary folder, loaded back, and must give the same outputs
 * (and the same config for the layer).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../../src/index.js";
import type { Layer } from "../../src/layers/layer.js";

/** Saves `Input(shape) → layer` as .keras, loads it and compares predictions on `x`. */
export async function assertKerasRoundTrip(
  layer: Layer & { getConfig(): Record<string, unknown> },
  x: st.Tensor,
  opts: { inputDtype?: st.DType } = {},
): Promise<st.Model> {
  const dir = mkdtempSync(join(tmpdir(), "strata-preproc-"));
  try {
    const input = st.layers.Input({ shape: x.shape.slice(1), dtype: opts.inputDtype ?? x.dtype });
    const model = new st.Model({ inputs: input, outputs: layer.apply(input) });
    const path = join(dir, "m.keras");
    await model.save(path);
    const loaded = await st.models.loadModel(path);
    const again = loaded.layers.find((l) => l.constructor === layer.constructor);
    assert.ok(again, `the loaded model holds a ${layer.constructor.name}`);
    assert.deepEqual(
      (again as unknown as { getConfig(): unknown }).getConfig(),
      layer.getConfig(),
      "config after the round trip",
    );
    assert.deepEqual(
      (loaded.predictOnBatch(x) as st.Tensor).toArray(),
      (model.predictOnBatch(x) as st.Tensor).toArray(),
      "outputs after the round trip",
    );
    return loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
