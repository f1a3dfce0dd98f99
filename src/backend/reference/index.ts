import type { Kernels } from "../backend.js";
import { conv, convBackpropFilter, convBackpropInput } from "./conv.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { copy, gather, scatterAdd } from "./movement.js";
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from "./pool.js";
import { cumsum, reduce, sort } from "./reduce.js";

/** The kernels every backend implements; the fused ones are optional, their composite the definition. */
export const CORE_KERNELS = [
  "unary",
  "binary",
  "where",
  "cast",
  "copy",
  "reduce",
  "cumsum",
  "sort",
  "gather",
  "scatterAdd",
  "matmul",
  "conv",
  "convBackpropInput",
  "convBackpropFilter",
  "maxPool",
  "maxPoolBackprop",
  "avgPool",
  "avgPoolBackprop",
] as const;

export type CoreKernel = (typeof CORE_KERNELS)[number];

/**
 * The reference backend: plain float64 loops, the living specification of every core kernel.
 * Every other backend is checked against it (test/backend/parity.test.ts); it is not fast.
 */
export const referenceKernels: Pick<Kernels, CoreKernel> = {
  unary,
  binary,
  where,
  cast,
  copy,
  reduce,
  cumsum,
  sort,
  gather,
  scatterAdd,
  matmul,
  conv,
  convBackpropInput,
  convBackpropFilter,
  maxPool,
  maxPoolBackprop,
  avgPool,
  avgPoolBackprop,
};
