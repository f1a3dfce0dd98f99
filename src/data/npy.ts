import { readFile } from "node:fs/promises";
import { StrataError } from "../errors.js";
import { type NpyArray, type NpyOptions, parseNpy, parseNpz } from "../io/npy.js";
import { type Tensor, fromValues } from "../tensor/tensor.js";

/* NumPy's files as tensors: io/npy.ts reads the format, this turns its arrays into tensors. */

/** A numeric {@link NpyArray} as a Tensor (object arrays have no tensor form). */
export function npyToTensor(arr: NpyArray, where = "npy"): Tensor {
  if (Array.isArray(arr.data)) {
    throw new StrataError(
      `${where}: an object ("|O") array cannot become a tensor; read it with parseNpy/parseNpz`,
    );
  }
  return fromValues(arr.data, arr.shape);
}

/** `np.load` for a `.npy` file: its array as a Tensor. */
export async function loadNpy(path: string, opts: NpyOptions = {}): Promise<Tensor> {
  return npyToTensor(parseNpy(await readFile(path), opts, path), path);
}

/** `np.load` for a `.npz` file: every numeric member as a Tensor, keyed by name. */
export async function loadNpz(
  path: string,
  opts: NpyOptions = {},
): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  for (const [key, arr] of parseNpz(await readFile(path), opts, path)) {
    out[key] = npyToTensor(arr, `${path}/${key}.npy`);
  }
  return out;
}
