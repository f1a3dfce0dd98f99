import type { PoolParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";

// Placeholder until the pooling family lands.
export function maxPool(_x: FloatArray, _out: FloatArray, _argmax: Int32Array, _p: PoolParams): void {
  throw new Error("pool kernel pending");
}
export function avgPool(_x: FloatArray, _out: FloatArray, _p: PoolParams): void {
  throw new Error("pool kernel pending");
}
export function avgPoolBackprop(_dy: FloatArray, _dx: FloatArray, _p: PoolParams): void {
  throw new Error("pool kernel pending");
}
