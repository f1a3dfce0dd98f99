import type { CoreKernels, HostArrays } from "../backend.js";
import { hostBackend } from "../host.js";
import { registerBackend } from "../registry.js";
import { conv, convBackpropFilter, convBackpropInput } from "./conv.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { copy, gather, scatterAdd } from "./movement.js";
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from "./pool.js";
import { cumsum, reduce, sort } from "./reduce.js";

/**
 * The reference backend: plain float64 loops, the living specification of every core kernel.
 * Every other backend is checked against it (test/backend/parity.test.ts); it is not fast.
 */
export const referenceKernels: CoreKernels<HostArrays> = {
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

/** The names of the core kernels, every one (the object above must have them all). */
export const CORE_KERNELS = Object.keys(referenceKernels) as (keyof CoreKernels)[];
export type CoreKernel = keyof CoreKernels;

// Selectable as "reference", never the default: it is the oracle, and slow.
registerBackend({
  name: "reference",
  priority: 0,
  load: () => hostBackend("reference", referenceKernels),
});
