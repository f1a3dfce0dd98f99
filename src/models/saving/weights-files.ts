/**
 * A model's weights files: Keras 3's (`.weights.h5`, or the weights inside a `.keras` archive)
 * and Strata's interim JSON (io/weights-json.ts), behind Model's saveWeights / loadWeights.
 */
import { fileKind, loadKerasWeightsBytes, readBytes, saveKerasWeightsFile } from "./keras-file.js";
import {
  checkWeightsMatch,
  entryOf,
  parseWeightsFile,
  saveWeightsFile,
  type WeightEntry,
} from "../../io/weights-json.js";
import type { Model } from "../model.js";
import { type LoadWeightsOptions, checkLoadWeightsOptions } from "../load-weights-options.js";
import { ValueError } from "../../errors.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";

/** `.weights.h5` paths get Keras 3's layout; any other path gets the interim JSON. */
export async function saveModelWeights(model: Model, path: string): Promise<void> {
  if (typeof path === "string" && path.endsWith(".weights.h5")) {
    await saveKerasWeightsFile(model, path);
    return;
  }
  const opt = model.compiled?.optimizer;
  await saveWeightsFile(path, model.weights.map(entryOf), {
    optimizer: opt?.built ? opt.variables.map(entryOf) : null,
  });
}

/**
 * Keras's files are told from the interim JSON by their first bytes, whatever the file is called.
 * `byName` and `skipMismatch` are Keras's options, for Keras's files.
 */
export async function loadModelWeights(
  model: Model,
  path: string,
  opts?: LoadWeightsOptions,
): Promise<void> {
  const options = checkLoadWeightsOptions(opts);
  const bytes = await readBytes(path, "loadWeights");
  if (fileKind(bytes) !== "other") {
    loadKerasWeightsBytes(model, bytes, path, model.compiled !== null, options);
    return;
  }
  if (options.byName || options.skipMismatch) {
    throw new ValueError(
      `loadWeights: byName and skipMismatch apply to Keras's weights files; "${path}" holds ` +
        `Strata's interim JSON weights, which load whole, by position`,
    );
  }
  const file = parseWeightsFile(new TextDecoder().decode(bytes), path);
  const vars = model.weights;
  checkWeightsMatch(path, `model "${model.name}"`, vars, file.weights);
  vars.forEach((v, i) => v.assign(tensorOf(file.weights[i]!)));
  const opt = model.compiled?.optimizer;
  if (opt && file.optimizer) {
    if (!opt.built) opt.build(model.trainableWeights);
    const store = Object.fromEntries(file.optimizer.map((e, i) => [String(i), tensorOf(e)]));
    opt.loadOwnVariables(store);
  }
}

/** An entry's values as a tensor. */
function tensorOf(e: WeightEntry): Tensor {
  return fromValues(e.data, [...e.shape]);
}
