// Where the Keras-written fixtures are: the six Keras 3.16 models in ../shared/fixtures/keras
// (or $STRATA_KERAS_FIXTURES), and the one this project ships so the checks run without them.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as st from "../src/index.js";
import type { Model } from "../src/models/model.js";
import { assertClose } from "./helpers.js";

export const SHIPPED = new URL("fixtures/keras/", import.meta.url).pathname;
export const FIXTURES =
  process.env.STRATA_KERAS_FIXTURES ??
  new URL("../../shared/fixtures/keras/", import.meta.url).pathname;
export const NAMES = ["mlp", "convnet", "conv_zoo", "seq", "multi", "attn"];
export const haveFixtures = existsSync(`${FIXTURES}/mlp.keras`);

/** Runs `fn` in a fresh temporary directory, removed afterwards whatever happens. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "strata-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Float32 tolerance for Keras's predictions; the errors measured are far below it. */
export const KERAS_TOL = { atol: 1e-5, rtol: 1e-4 };

interface IoArray {
  shape: number[];
  dtype: string;
  data: number[];
}

function toTensor(a: IoArray): st.Tensor {
  const data =
    a.dtype.startsWith("int") || a.dtype.startsWith("uint")
      ? Int32Array.from(a.data)
      : a.dtype === "float64"
        ? Float64Array.from(a.data)
        : Float32Array.from(a.data);
  return st.tensor(data, a.shape);
}

/**
 * Predicts with `model` on `<dir>/<name>.io.json`'s inputs and checks the outputs against the
 * predictions Keras made (to KERAS_TOL); returns the max abs error.
 */
export function kerasPredictionError(model: Model, dir: string, name: string): number {
  const io = JSON.parse(readFileSync(`${dir}/${name}.io.json`, "utf8")) as {
    keras_version: string;
    inputs: Record<string, IoArray>;
    outputs: IoArray[];
  };
  assert.match(io.keras_version, /^3\./);
  // Inputs in the model's order, matched by name where the model has several.
  const names = Object.keys(io.inputs);
  const order = names.length > 1 ? model.inputNames : names;
  assert.deepEqual([...order].sort(), [...names].sort(), "input names");
  const xs = order.map((n) => toTensor(io.inputs[n]!));
  const out = model.predictOnBatch(xs.length === 1 ? xs[0]! : xs);
  // A model with outputs named in an object predicts an object, in the outputs' order.
  const outs = Array.isArray(out) ? out : out instanceof st.Tensor ? [out] : Object.values(out);
  assert.equal(outs.length, io.outputs.length, "number of outputs");
  let worst = 0;
  outs.forEach((y, i) => {
    const expected = io.outputs[i]!;
    assert.deepEqual(y.shape, expected.shape, `output ${i} shape`);
    assertClose(y, expected.data, KERAS_TOL);
    y.dataSync().forEach(
      (v, j) => (worst = Math.max(worst, Math.abs(Number(v) - expected.data[j]!))),
    );
  });
  return worst;
}
