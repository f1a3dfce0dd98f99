import { ValueError } from "../../errors.js";
import type { FloatArray, TypedArray } from "../../tensor/dtype.js";
import type {
  AllKernels,
  BinaryOp,
  HostArrays,
  ReduceOp,
  UnaryOp,
  UpdateRule,
} from "../backend.js";
import { hostBackend } from "../host.js";
import { type BackendLoader, registerBackend } from "../registry.js";
import { tsKernels } from "../ts/index.js";
import { type Addon, loadAddon } from "./addon.js";
import { keepGcOffTheCores } from "./gc-threads.js";
import { rnnKernels } from "./rnn.js";
import { blasSize, count, fits, packConv, packPlan, packPool, planSize } from "./checks.js";

/*
 * The native backend: the C++ addon in native/ (Node-API over OpenBLAS, threaded), working in
 * place on the same garbage-collected typed arrays as the TS backend — no copies, nothing to free.
 *
 * Delegation table. The addon has loops for the dtype combinations that ops produce in practice;
 * any other combination is handed to the TypeScript kernel, which gives the same result:
 *   unary       x float32 | float64 | int32 | bool;  out: x's dtype or bool
 *   binary      a and b of one dtype;                 out: that dtype or bool
 *   where       a, b and out of one dtype (cond bool)
 *   cast        every pair
 *   copy, gather, scatterAdd, cumsum, sort   source and destination of one dtype
 *   reduce      out: x's dtype or int32
 *   matmul, conv*, *Pool*   all float32 or all float64
 */

function codes<Op extends string>(names: readonly string[]): Map<Op, number> {
  return new Map(names.map((name, i) => [name as Op, i]));
}

const sameKind = (a: TypedArray, b: TypedArray): boolean => a.constructor === b.constructor;
const isFloat = (a: TypedArray): a is FloatArray =>
  a instanceof Float32Array || a instanceof Float64Array;
const allFloatAlike = (...xs: TypedArray[]): boolean =>
  isFloat(xs[0]!) && xs.every((x) => sameKind(x, xs[0]!));

function makeKernels(addon: Addon) {
  const unaryCode = codes<UnaryOp>(addon.unaryOps);
  const binaryCode = codes<BinaryOp>(addon.binaryOps);
  const reduceCode = codes<ReduceOp>(addon.reduceOps);
  const ruleCode = codes<UpdateRule>(addon.updateRules);
  const ts = tsKernels;

  const checkIndices = (
    kernel: string,
    bad: number,
    indices: Int32Array,
    axisSize: number,
  ): void => {
    if (bad >= 0) {
      throw new ValueError(
        `native ${kernel}: index ${indices[bad]} at position ${bad} is outside [0, ${axisSize})`,
      );
    }
  };

  return {
    unary(op, x, out) {
      const code = unaryCode.get(op);
      if (code === undefined || !(sameKind(x, out) || out instanceof Uint8Array))
        return ts.unary(op, x, out);
      fits("unary", "out", out, x.length);
      if (x.length > 0) addon.unary(code, x, out);
    },
    binary(op, a, b, out, plan) {
      const code = binaryCode.get(op);
      if (
        code === undefined ||
        !sameKind(a, b) ||
        !(sameKind(a, out) || out instanceof Uint8Array)
      ) {
        return ts.binary(op, a, b, out, plan);
      }
      const size = planSize("binary", plan, [
        ["a", a, 0],
        ["b", b, 0],
      ]);
      fits("binary", "out", out, size);
      if (size > 0) addon.binary(code, a, b, out, packPlan(plan, 2));
    },
    where(cond, a, b, out, plan) {
      if (!(cond instanceof Uint8Array) || !sameKind(a, out) || !sameKind(b, out)) {
        return ts.where(cond, a, b, out, plan);
      }
      const size = planSize("where", plan, [
        ["cond", cond, 0],
        ["a", a, 0],
        ["b", b, 0],
      ]);
      fits("where", "out", out, size);
      if (size > 0) addon.where(cond, a, b, out, packPlan(plan, 3));
    },
    cast(x, out) {
      fits("cast", "out", out, x.length);
      if (x.length > 0) addon.cast(x, out);
    },
    copy(x, xOffset, out, outOffset, plan) {
      if (!sameKind(x, out)) return ts.copy(x, xOffset, out, outOffset, plan);
      const size = planSize("copy", plan, [
        ["x", x, xOffset],
        ["out", out, outOffset],
      ]);
      if (size > 0) addon.copy(x, xOffset, out, outOffset, packPlan(plan, 2));
    },
    reduce(op, x, out, outer, size, inner) {
      const code = reduceCode.get(op);
      if (code === undefined || !(sameKind(x, out) || out instanceof Int32Array)) {
        return ts.reduce(op, x, out, outer, size, inner);
      }
      const [o, s, i] = [outer, size, inner].map((v, k) =>
        count("reduce", ["outer", "size", "inner"][k]!, v),
      );
      fits("reduce", "x", x, o! * s! * i!);
      fits("reduce", "out", out, o! * i!);
      if (o! * i! > 0) addon.reduce(code, x, out, o!, s!, i!);
    },
    cumsum(x, out, outer, size, inner) {
      if (!sameKind(x, out)) return ts.cumsum(x, out, outer, size, inner);
      const n =
        count("cumsum", "outer", outer) *
        count("cumsum", "size", size) *
        count("cumsum", "inner", inner);
      fits("cumsum", "x", x, n);
      fits("cumsum", "out", out, n);
      if (n > 0) addon.cumsum(x, out, outer, size, inner);
    },
    sort(x, values, indices, rows, size, descending) {
      if (!sameKind(x, values)) return ts.sort(x, values, indices, rows, size, descending);
      const n = count("sort", "rows", rows) * count("sort", "size", size);
      blasSize("sort", "size", size);
      for (const [name, arr] of [
        ["x", x],
        ["values", values],
        ["indices", indices],
      ] as const) {
        fits("sort", name, arr, n);
      }
      if (n > 0) addon.sort(x, values, indices, rows, size, descending);
    },
    gather(x, indices, out, outer, axisSize, inner) {
      if (!sameKind(x, out)) return ts.gather(x, indices, out, outer, axisSize, inner);
      const o = count("gather", "outer", outer);
      const i = count("gather", "inner", inner);
      fits("gather", "x", x, o * count("gather", "axisSize", axisSize) * i);
      fits("gather", "out", out, o * indices.length * i);
      if (o * i * indices.length === 0) return;
      checkIndices(
        "gather",
        addon.gather(x, indices, out, outer, axisSize, inner),
        indices,
        axisSize,
      );
    },
    scatterAdd(updates, indices, out, outer, axisSize, inner) {
      if (!sameKind(updates, out))
        return ts.scatterAdd(updates, indices, out, outer, axisSize, inner);
      const o = count("scatterAdd", "outer", outer);
      const i = count("scatterAdd", "inner", inner);
      fits("scatterAdd", "updates", updates, o * indices.length * i);
      fits("scatterAdd", "out", out, o * count("scatterAdd", "axisSize", axisSize) * i);
      if (o * i * indices.length === 0) return;
      const bad = addon.scatterAdd(updates, indices, out, outer, axisSize, inner);
      checkIndices("scatterAdd", bad, indices, axisSize);
    },
    matmul(a, b, out, m, k, n, transA, transB, batch, aBatchStride, bBatchStride) {
      if (!allFloatAlike(a, b, out)) {
        return ts.matmul(a, b, out, m, k, n, transA, transB, batch, aBatchStride, bBatchStride);
      }
      const dims = { m, k, n, batch, aBatchStride, bBatchStride };
      for (const [name, v] of Object.entries(dims)) count("matmul", name, v);
      for (const [name, v] of Object.entries({ m, k, n })) blasSize("matmul", name, v);
      if (batch === 0 || m * n === 0) return;
      if (m * k > 0) {
        fits("matmul", "a", a, (batch - 1) * aBatchStride + m * k);
        fits("matmul", "b", b, (batch - 1) * bBatchStride + k * n);
      }
      fits("matmul", "out", out, batch * m * n);
      addon.matmul(a, b, out, m, k, n, transA, transB, batch, aBatchStride, bBatchStride);
    },
    conv(x, w, out, p) {
      if (!allFloatAlike(x, w, out)) return ts.conv(x, w, out, p);
      addon.conv(x, w, out, packConv("conv", p, ["x", x], ["w", w], ["y", out]));
    },
    convBackpropInput(dy, w, dx, p) {
      if (!allFloatAlike(dy, w, dx)) return ts.convBackpropInput(dy, w, dx, p);
      addon.convBackpropInput(
        dy,
        w,
        dx,
        packConv("convBackpropInput", p, ["dx", dx], ["w", w], ["dy", dy]),
      );
    },
    convBackpropFilter(x, dy, dw, p) {
      if (!allFloatAlike(x, dy, dw)) return ts.convBackpropFilter(x, dy, dw, p);
      addon.convBackpropFilter(
        x,
        dy,
        dw,
        packConv("convBackpropFilter", p, ["x", x], ["dw", dw], ["dy", dy]),
      );
    },
    convBias(x, w, bias, out, p, relu) {
      if (!(bias ? allFloatAlike(x, w, bias, out) : allFloatAlike(x, w, out))) {
        return ts.convBias(x, w, bias, out, p, relu);
      }
      const params = packConv("convBias", p, ["x", x], ["w", w], ["y", out]);
      if (bias) fits("convBias", "bias", bias, p.outChannels);
      addon.convBias(x, w, bias, out, params, relu);
    },
    softmax(x, out, rows, n) {
      if (!allFloatAlike(x, out)) return ts.softmax(x, out, rows, n);
      const size = count("softmax", "rows", rows) * count("softmax", "n", n);
      fits("softmax", "x", x, size);
      fits("softmax", "out", out, size);
      if (size > 0) addon.softmax(x, out, rows, n);
    },
    biasRelu(x, bias, out, rows, n, relu) {
      if (!(bias ? allFloatAlike(x, bias, out) : allFloatAlike(x, out))) {
        return ts.biasRelu(x, bias, out, rows, n, relu);
      }
      const size = count("biasRelu", "rows", rows) * count("biasRelu", "n", n);
      fits("biasRelu", "x", x, size);
      fits("biasRelu", "out", out, size);
      if (bias) fits("biasRelu", "bias", bias, n);
      if (size > 0) addon.biasRelu(x, bias, out, rows, n, relu);
    },
    biasReluBackprop(dy, y, dz, db, rows, n) {
      if (!(db ? allFloatAlike(dy, y, dz, db) : allFloatAlike(dy, y, dz))) {
        return ts.biasReluBackprop(dy, y, dz, db, rows, n);
      }
      const size = count("biasReluBackprop", "rows", rows) * count("biasReluBackprop", "n", n);
      for (const [name, arr] of [
        ["dy", dy],
        ["y", y],
        ["dz", dz],
      ] as const) {
        fits("biasReluBackprop", name, arr, size);
      }
      if (db) fits("biasReluBackprop", "db", db, n);
      if (size > 0 || db) addon.biasReluBackprop(dy, y, dz, db, rows, n);
    },
    maxPool(x, out, argmax, p) {
      if (!allFloatAlike(x, out)) return ts.maxPool(x, out, argmax, p);
      // Winners are reported as int32 flat indices into x.
      blasSize("maxPool", "x.length", x.length);
      const outputs: [string, TypedArray][] = [["out", out]];
      if (argmax) outputs.push(["argmax", argmax]);
      addon.maxPool(x, out, argmax, packPool("maxPool", p, ["x", x], outputs));
    },
    maxPoolBackprop(dy, argmax, dx, p) {
      if (!allFloatAlike(dy, dx)) return ts.maxPoolBackprop(dy, argmax, dx, p);
      // The kernel compares argmax with the cells of each window, so any int32 value is safe.
      blasSize("maxPoolBackprop", "dx.length", dx.length);
      addon.maxPoolBackprop(
        dy,
        argmax,
        dx,
        packPool(
          "maxPoolBackprop",
          p,
          ["dx", dx],
          [
            ["dy", dy],
            ["argmax", argmax],
          ],
        ),
      );
    },
    avgPool(x, out, p) {
      if (!allFloatAlike(x, out)) return ts.avgPool(x, out, p);
      addon.avgPool(x, out, packPool("avgPool", p, ["x", x], [["out", out]]));
    },
    avgPoolBackprop(dy, dx, p) {
      if (!allFloatAlike(dy, dx)) return ts.avgPoolBackprop(dy, dx, p);
      addon.avgPoolBackprop(dy, dx, packPool("avgPoolBackprop", p, ["dx", dx], [["dy", dy]]));
    },
    applyUpdate(rule, w, g, slots, out, hyper) {
      const code = ruleCode.get(rule);
      if (code === undefined || !allFloatAlike(w, g, out, ...slots) || hyper.length < 6) {
        return ts.applyUpdate(rule, w, g, slots, out, hyper);
      }
      for (const [name, arr] of [
        ["g", g],
        ["out", out],
        ...slots.map((s, i) => [`slots[${i}]`, s] as const),
      ] as const) {
        if (arr.length !== w.length) {
          throw new ValueError(
            `native applyUpdate: ${name} has ${arr.length} elements; expected ${w.length} (the weight's)`,
          );
        }
      }
      if (w.length > 0) addon.applyUpdate(code, w, g, slots, out, hyper);
    },
    // fused recurrent sequences (native/rnn.ts)
    ...rnnKernels(addon),
  } satisfies AllKernels<HostArrays>;
}

/** The native kernels, or why they cannot run here (the addon loads on the first call). */
export function nativeKernels(): AllKernels<HostArrays> | { unavailable: string } {
  const { addon, reason } = loadAddon();
  return addon ? (kernelsOf ??= makeKernels(addon)) : { unavailable: reason };
}
let kernelsOf: AllKernels<HostArrays> | undefined;

/** OpenBLAS's build description, for diagnostics (null without the addon). */
export function nativeBlasInfo(): string | null {
  return loadAddon().addon?.blas ?? null;
}

/**
 * The native backend. Initializing it tunes the process for kernels that keep every core busy
 * (malloc keeps freed blocks; V8's concurrent marking off), unless `{ tuneProcess: false }`.
 */
export const nativeLoader: BackendLoader<HostArrays> = {
  name: "native",
  priority: 2,
  load(options) {
    const kernels = nativeKernels();
    if ("unavailable" in kernels) return kernels;
    const addon = loadAddon().addon!;
    if (options.tuneProcess !== false) {
      addon.tuneMalloc();
      keepGcOffTheCores();
    }
    return {
      ...hostBackend("native", kernels),
      setNumThreads: (n: number) => addon.setNumThreads(n),
      numThreads: () => addon.getNumThreads(),
    };
  },
};
registerBackend(nativeLoader);
