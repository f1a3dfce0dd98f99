/**
 * `KerasFileEditor.compare(model)`: which weights of an opened file fit a model, as Keras's
 * editor reports them. The model's side is its weight spec, the tree Strata's own save would
 * write (`kerasLayout` plus a built optimizer's variables), with shapes only; the two trees are
 * walked both ways, so an object or weight missing on either side, a shape that differs, or a
 * weight where the other side has an object counts as one error, and each weight found with the
 * same shape on both sides as one match.
 *
 * Keras 3.16 adds its running counts back into themselves on each nested object, so its
 * `error_count` and `match_count` grow with the number of objects walked before a mismatch;
 * Strata counts each mismatch and match once (the numbers Keras's own tests expect).
 */
import { fmtShape } from "../../errors.js";
import type { Model } from "../model.js";
import { kerasLayout } from "./keras-weights.js";
import { hasOwnVariablesState } from "./layer-state.js";
import { type WeightsDict, isTensor } from "./file-editor-tree.js";

/** One weight of a model's spec: its shape only. */
export class SpecWeight {
  constructor(readonly shape: readonly number[]) {}
}

/** A weight spec: object name → a weight, or a sub-object. */
export interface WeightSpec {
  [name: string]: WeightSpec | SpecWeight;
}

/** What `compare` returns, Keras's `{"status", "error_count", "match_count"}` in camelCase. */
export interface CompareResult {
  status: "success" | "error";
  errorCount: number;
  matchCount: number;
}

/** The shapes Strata's save writes for `model`: its layers' variables, a built optimizer's. */
export function weightSpecOf(model: Model): WeightSpec {
  const spec: WeightSpec = Object.create(null) as WeightSpec;
  const at = (path: string): WeightSpec => {
    let node = spec;
    for (const name of path.split("/").filter((n) => n !== "")) {
      node[name] ??= Object.create(null) as WeightSpec;
      node = node[name] as WeightSpec;
    }
    return node;
  };
  for (const { layer, path, vars } of kerasLayout(model)) {
    const own: [string, readonly number[]][] = hasOwnVariablesState(layer)
      ? Object.entries(layer.saveOwnVariables()).map(([k, t]) => [k, t.shape])
      : vars.map((v, i) => [String(i), v.shape]);
    if (own.length === 0) continue;
    const node = at(path);
    for (const [name, shape] of own) node[name] = new SpecWeight([...shape]);
  }
  const opt = model.compiled?.optimizer;
  if (opt?.built && opt.variables.length > 0) {
    const node = at("optimizer");
    opt.variables.forEach((v, i) => (node[String(i)] = new SpecWeight([...v.shape])));
  }
  return spec;
}

/** Either side of a comparison: the file's tree (tensors) or the model's spec (shapes). */
type Side = WeightsDict | WeightSpec;

/** A weight's shape; null for an object. */
const shapeOf = (v: unknown): readonly number[] | null =>
  isTensor(v) || v instanceof SpecWeight ? v.shape : null;

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Compares the file's tree with the model's spec and prints what differs through `print`, as
 * Keras's editor does: first every entry of the model checked against the file, then every entry
 * of the file not yet reported checked against the model.
 */
export function compareWeights(
  file: WeightsDict,
  spec: WeightSpec,
  print: (line: string) => void,
): CompareResult {
  print("Running comparison");
  const reported = new Set<string>();
  const fileSide = { tree: file as Side, name: "saved file" };
  const modelSide = { tree: spec as Side, name: "reference model" };
  const first = walk(fileSide, modelSide, "", reported, print);
  const second = walk(modelSide, fileSide, "", reported, print);
  const errorCount = first.errors + second.errors;
  const matchCount = first.matches;
  print("─────────────────────");
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (errorCount === 0) {
    print("Comparison successful: saved file is compatible with the reference model");
    print(`    Found ${plural(matchCount, "matching weight")}`);
  } else {
    print(
      `Found ${plural(errorCount, "error")}: saved file is not compatible with the reference model`,
    );
  }
  return { status: errorCount === 0 ? "success" : "error", errorCount, matchCount };
}

interface Named {
  tree: Side;
  name: string;
}

/** Checks every entry of `ref` against `target`; each mismatch is reported (and counted) once. */
function walk(
  target: Named,
  ref: Named,
  base: string,
  reported: Set<string>,
  print: (line: string) => void,
): { errors: number; matches: number } {
  let errors = 0;
  let matches = 0;
  const fail = (path: string, lines: string[]): void => {
    errors += 1;
    reported.add(path);
    lines.forEach(print);
  };
  for (const [key, refValue] of Object.entries(ref.tree)) {
    const path = base === "" ? key : `${base}/${key}`;
    if (reported.has(path)) continue;
    const refShape = shapeOf(refValue);
    const has = Object.prototype.hasOwnProperty.call(target.tree, key);
    const targetValue: unknown = has ? (target.tree as Record<string, unknown>)[key] : undefined;
    const targetShape = has ? shapeOf(targetValue) : null;
    if (!has) {
      if (refShape === null) {
        fail(path, [
          `...Object ${path} present in ${ref.name}, missing from ${target.name}`,
          `    In ${ref.name}, ${path} contains the following keys: ` +
            `[${Object.keys(refValue as Side)
              .map((k) => `'${k}'`)
              .join(", ")}]`,
        ]);
      } else fail(path, [`...Weight ${path} present in ${ref.name}, missing from ${target.name}`]);
    } else if (refShape === null && targetShape === null) {
      const inner = walk(
        { tree: targetValue as Side, name: target.name },
        { tree: refValue as Side, name: ref.name },
        path,
        reported,
        print,
      );
      errors += inner.errors;
      matches += inner.matches;
    } else if (refShape === null || targetShape === null) {
      const kind = (s: readonly number[] | null) => (s === null ? "an object" : "a weight");
      fail(path, [
        `...Kind mismatch for ${path}`,
        `    In ${ref.name}: ${kind(refShape)}`,
        `    In ${target.name}: ${kind(targetShape)}`,
      ]);
    } else if (!sameShape(refShape, targetShape)) {
      fail(path, [
        `...Weight shape mismatch for ${path}`,
        `    In ${ref.name}: shape=${fmtShape(refShape)}`,
        `    In ${target.name}: shape=${fmtShape(targetShape)}`,
      ]);
    } else matches += 1;
  }
  return { errors, matches };
}
