import type { ConvParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";

// Placeholder until the convolution family lands.
export function conv(_x: FloatArray, _w: FloatArray, _out: FloatArray, _p: ConvParams): void {
  throw new Error("conv kernel pending");
}
export function convBackpropInput(_dy: FloatArray, _w: FloatArray, _dx: FloatArray, _p: ConvParams): void {
  throw new Error("conv kernel pending");
}
export function convBackpropFilter(_x: FloatArray, _dy: FloatArray, _dw: FloatArray, _p: ConvParams): void {
  throw new Error("conv kernel pending");
}
