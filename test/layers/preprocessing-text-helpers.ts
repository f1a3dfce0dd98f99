// Shared by the lookup and hashing layer tests: a .keras round trip of a one-layer model in a
// temporary directory, returning both models' outputs and the archive's member names.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../../src/index.js";
import { ZipReader } from "../../src/io/zip.js";
import type { Layer } from "../../src/layers/layer.js";

export interface RoundTrip {
  before: st.Tensor;
  after: st.Tensor;
  loaded: st.Model;
  zip: ZipReader;
}

/** Saves `Input → layer` as a .keras file, loads it back and predicts `x` with both models. */
export async function kerasRoundTrip(
  layer: Layer,
  inputShape: number[],
  inputDtype: st.DType,
  x: st.Tensor | st.Tensor[],
  inputShapes?: { shape: number[]; dtype: st.DType }[],
): Promise<RoundTrip> {
  const ins = inputShapes
    ? inputShapes.map((s) => st.Input({ shape: s.shape, dtype: s.dtype }))
    : [st.Input({ shape: inputShape, dtype: inputDtype })];
  const out = layer.apply(ins.length === 1 ? ins[0]! : ins);
  const model = new st.Model({ inputs: ins.length === 1 ? ins[0]! : ins, outputs: out });
  const dir = mkdtempSync(join(tmpdir(), "strata-text-"));
  try {
    const path = join(dir, "m.keras");
    await model.save(path);
    const loaded = await st.models.loadModel(path);
    const zip = new ZipReader(readFileSync(path), path);
    const before = model.predictOnBatch(x) as st.Tensor;
    const after = loaded.predictOnBatch(x) as st.Tensor;
    return { before, after, loaded, zip };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
