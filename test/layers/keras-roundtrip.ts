// Saves a one-layer functional model to a .keras file, loads it back and checks that the loaded
// model predicts the same outputs and has the same layer config: the .keras round trip of a layer.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { Layer, SymbolicTensor } from "../../src/layers/layer.js";
import { Input } from "../../src/layers/core/input.js";
import { assertClose } from "../helpers.js";

export async function kerasRoundTrip(
  layer: Layer & { getConfig(): Record<string, unknown> },
  x: Tensor,
  callOptions: Record<string, unknown> = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "strata-layer-rt-"));
  try {
    const input = Input({ shape: x.shape.slice(1), dtype: x.dtype });
    const output = layer.apply(input, callOptions) as SymbolicTensor;
    const model = new st.Model({ inputs: input, outputs: output });
    const expected = model.predictOnBatch(x) as Tensor;
    const path = join(dir, "m.keras");
    await model.save(path);
    const loaded = await st.models.loadModel(path, { compile: false });
    const got = loaded.predictOnBatch(x) as Tensor;
    assertClose(got, expected, { rtol: 1e-6, atol: 1e-6 });
    const again = loaded.layers.find((l) => l.name === layer.name) as unknown as {
      getConfig(): Record<string, unknown>;
    };
    assert.deepEqual(again.getConfig(), layer.getConfig());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
