import type { Kernels } from "../backend.js";
import { conv, convBackpropFilter, convBackpropInput } from "./conv.js";
import { biasRelu, biasReluBackprop, convBias } from "./conv-bias.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { matmul } from "./matmul.js";
import { applyUpdate } from "./optimizer.js";
import { copy, gather, scatterAdd } from "./movement.js";
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from "./pool.js";
import { cumsum, reduce } from "./reduce.js";
import { softmax } from "./softmax.js";
import { gruBackward, gruForward } from "./gru.js";
import { lstmBackward, lstmForward } from "./lstm.js";
import { sort } from "./sort.js";

/** The TypeScript backend: tuned kernels that run anywhere, checked against the reference backend. */
export const tsKernels = {
  unary,
  binary,
  where,
  cast,
  copy,
  reduce,
  softmax,
  cumsum,
  sort,
  gather,
  scatterAdd,
  matmul,
  conv,
  convBackpropInput,
  convBackpropFilter,
  convBias,
  biasRelu,
  biasReluBackprop,
  maxPool,
  maxPoolBackprop,
  avgPool,
  avgPoolBackprop,
  applyUpdate,
  // fused recurrent sequences
  lstmForward,
  lstmBackward,
  gruForward,
  gruBackward,
} satisfies Kernels;
