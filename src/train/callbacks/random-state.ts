/**
 * The random state a training run depends on, captured and put back so that a `fit` resumed by
 * BackupAndRestore draws exactly what the uninterrupted run would have drawn: the global generator
 * (shuffling, layers built later) and every layer's own SeedGenerator (Dropout, noise, random
 * augmentation). Keras does not restore these, so its resumed runs drift from uninterrupted ones;
 * here a run killed at any point finishes with the same weights.
 *
 * Layers keep their SeedGenerators as ordinary fields, so they are found by walking the layers a
 * model tracks (its graph's, for a functional model) and each layer's own fields (cells and lists
 * of layers included), keyed by the path that led there: the same script builds the same paths in
 * the process that resumes.
 */
import { StrataError } from "../../errors.js";
import { Layer } from "../../layers/layer.js";
import { SeedGenerator, globalGenerator } from "../../tensor/random.js";

/** JSON-safe: the global generator's state and each layer generator's state by path. */
export interface RandomState {
  global: number[];
  layers: Record<string, number[]>;
}

function layerGenerators(root: unknown): Map<string, SeedGenerator> {
  const found = new Map<string, SeedGenerator>();
  const seen = new Set<unknown>();
  const visit = (value: unknown, path: string): void => {
    if (value instanceof SeedGenerator) {
      if (!seen.has(value)) found.set(path, value);
      seen.add(value);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (value instanceof Layer && !seen.has(value)) {
      seen.add(value);
      // The layers it tracks (a functional model's graph included), then its own fields.
      for (const child of value.layers) visit(child, `${path}/${child.name}`);
      for (const [key, field] of Object.entries(value)) visit(field, `${path}.${key}`);
    }
  };
  visit(root, "model");
  return found;
}

/** The state of every generator `model`'s training draws from. */
export function captureRandomState(model: unknown): RandomState {
  const layers: Record<string, number[]> = {};
  for (const [path, g] of layerGenerators(model)) layers[path] = g.generator.getState();
  return { global: globalGenerator().getState(), layers };
}

/** Puts back a state from `captureRandomState`; `where` names the file it came from. */
export function restoreRandomState(model: unknown, state: RandomState, where: string): void {
  const generators = layerGenerators(model);
  const saved = Object.keys(state.layers ?? {});
  const missing = saved.filter((path) => !generators.has(path));
  if (missing.length > 0 || saved.length !== generators.size) {
    throw new StrataError(
      `${where}: the saved random state is for a different model: it has generators at ` +
        `[${saved.join(", ")}], the model has [${[...generators.keys()].join(", ")}]`,
    );
  }
  globalGenerator().setState(state.global);
  for (const [path, g] of generators) g.generator.setState(state.layers[path]!);
}
