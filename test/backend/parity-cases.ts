import type {
  BinaryOp,
  Kernels,
  PoolParams,
  ReduceOp,
  StridedPlan,
  UnaryOp,
} from "../../src/backend/backend.js";
import { type CoreKernel, referenceKernels } from "../../src/backend/reference/index.js";
import type { FloatArray, TypedArray } from "../../src/tensor/dtype.js";
import {
  CONVS,
  KINDS,
  type Kind,
  POOLS,
  SIZES,
  SPECIALS,
  alloc,
  contiguous,
  convParams,
  kindOf,
  plan,
  poisoned,
  random,
  rng,
  sizeOf,
} from "./parity-helpers.js";

/*
 * The inputs every core kernel is checked on (parity.test.ts): odd sizes from 0 up and one that
 * splits across threads, broadcasts, every dtype combination the kernel takes, NaN / ±∞ / ±0, and
 * tables of edge values (pairs of them for binary ops). Outputs that kernels must write in full
 * start poisoned (NaN, -2^31, 0xab), so an element a backend forgets shows up.
 */

export type CoreKernels = Pick<Kernels, CoreKernel>;

/**
 * How a case's float outputs compare with the reference's: "exact", within a math library's
 * accuracy ("math", relative to each value), or as an accumulation ("sum" in float64 in every
 * backend, "product" possibly in the element type), relative to the same sum over magnitudes.
 * Integer outputs always compare exactly.
 */
export type Check = "exact" | "math" | "sum" | "product";

export interface KernelCase {
  label: string;
  check: Check;
  /** The outputs' starting contents; each backend writes into its own copy. */
  outs: TypedArray[];
  run(k: CoreKernels, outs: TypedArray[]): void;
  /** For sums and products: the result's magnitude, per output (what rounding errors scale with). */
  magnitude?: () => TypedArray[];
}

// Exhaustive tables: an op added to backend.ts without a line here fails to compile.
const UNARY: Record<UnaryOp, Check> = {
  neg: "exact",
  abs: "exact",
  sign: "exact",
  square: "exact",
  sqrt: "exact",
  rsqrt: "exact",
  reciprocal: "exact",
  exp: "math",
  expm1: "math",
  log: "math",
  log1p: "math",
  sin: "math",
  cos: "math",
  tan: "math",
  tanh: "math",
  sigmoid: "math",
  erf: "math",
  relu: "exact",
  softplus: "math",
  floor: "exact",
  ceil: "exact",
  round: "exact",
  logicalNot: "exact",
  isnan: "exact",
  isfinite: "exact",
  asin: "math",
  acos: "math",
  atan: "math",
  sinh: "math",
  cosh: "math",
  asinh: "math",
  acosh: "math",
  atanh: "math",
};
const BINARY: Record<BinaryOp, Check> = {
  add: "exact",
  sub: "exact",
  mul: "exact",
  div: "exact",
  pow: "math",
  max: "exact",
  min: "exact",
  mod: "exact",
  floorDiv: "exact",
  eq: "exact",
  ne: "exact",
  lt: "exact",
  le: "exact",
  gt: "exact",
  ge: "exact",
  logicalAnd: "exact",
  logicalOr: "exact",
  logicalXor: "exact",
  atan2: "math",
};
const REDUCE: Record<ReduceOp, Check> = {
  sum: "sum",
  prod: "sum",
  max: "exact",
  min: "exact",
  argmax: "exact",
  argmin: "exact",
};
const PREDICATES = new Set<string>([
  ...["logicalNot", "isnan", "isfinite", "eq", "ne", "lt", "le", "gt", "ge"],
  ...["logicalAnd", "logicalOr", "logicalXor"],
]);
const keys = <K extends string>(table: Record<K, unknown>): K[] => Object.keys(table) as K[];

/** Values where rounding, signs, wrapping and the math library's corners live. */
const EDGES: Record<Kind, readonly number[]> = {
  f32: [...SPECIALS, 1, -1, 2, 3, -4, 7, -7, 0.1, -0.1, 0.49999997, 3e38, -3e38, 1e-45, 16777217],
  f64: [...SPECIALS, 1, -1, 2, 3, -4, 7, -7, 0.1, -0.1, 1e300, -1e300, 5e-324, 2 ** 53 + 2, 0.7],
  i32: [
    0,
    1,
    -1,
    2,
    -2,
    3,
    7,
    -7,
    31,
    65536,
    46341,
    2 ** 30 + 1,
    2 ** 31 - 1,
    -(2 ** 31),
    -94906267,
  ],
  u8: [0, 1],
  c8: [0, 1, 2, 7, 127, 128, 200, 254, 255],
};
const edges = (kind: Kind): TypedArray => {
  const out = alloc(kind, EDGES[kind].length);
  out.set(EDGES[kind]);
  return out;
};

const RANK: Record<Kind, number> = { u8: 0, c8: 1, i32: 2, f32: 3, f64: 4 };
const promote = (a: Kind, b: Kind): Kind => (RANK[a] >= RANK[b] ? a : b);
const isFloatKind = (k: Kind): boolean => k === "f32" || k === "f64";

/** Random operands: small integers (exponents, divisors) for int32, ±4 with specials for floats. */
const operand = (kind: Kind, n: number, seed: number, scale = kind === "i32" ? 9 : 4) =>
  random(kind, n, seed, { special: true, scale });

function magnitudes(a: TypedArray): TypedArray {
  return a.map(Math.abs);
}

// ---------------------------------------------------------------- elementwise

function unaryCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const kind of KINDS) {
    const inputs = [...SIZES.map((n) => operand(kind, n, n + 1)), edges(kind)];
    for (const op of keys(UNARY)) {
      for (const x of inputs) {
        for (const outKind of PREDICATES.has(op) ? (["u8", kind] as const) : [kind]) {
          cases.push({
            label: `unary ${op} ${kind}→${outKind} n=${x.length}`,
            check: UNARY[op],
            outs: [poisoned(outKind, x.length)],
            run: (k, [o]) => k.unary(op, x, o!),
          });
        }
      }
    }
  }
  return cases;
}

// Broadcast plans as [out shape, a shape, b shape]: stride-0 axes, scalars, rank 0, empty.
const BROADCASTS: [number[], number[], number[]][] = [
  [
    [3, 4, 5],
    [3, 1, 5],
    [1, 4, 5],
  ],
  [[17, 33], [], [17, 33]],
  [[257, 3], [257, 1], [3]],
  [[], [], []],
  [
    [0, 4],
    [0, 4],
    [1, 4],
  ],
  [[300, 257], [300, 257], [257]],
];

/** [plan, a's length, b's length]: contiguous sizes, broadcasts, a transposed left operand. */
function binaryPlans(sizes: readonly number[]): [StridedPlan, number, number][] {
  const plans: [StridedPlan, number, number][] = sizes.map((n) => [plan([n], [n], [n]), n, n]);
  for (const [out, sa, sb] of BROADCASTS) plans.push([plan(out, sa, sb), sizeOf(sa), sizeOf(sb)]);
  // a is [5, 7] read as [7, 5]
  plans.push([{ shape: [7, 5], strides: [[1, 7], contiguous([7, 5])] }, 35, 35]);
  return plans;
}

function binaryCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  const push = (op: BinaryOp, a: TypedArray, b: TypedArray, p: StridedPlan, what: string) => {
    const ka = kindOf(a);
    const kb = kindOf(b);
    const outKind: Kind = PREDICATES.has(op) ? "u8" : promote(ka, kb);
    cases.push({
      label: `binary ${op} ${ka},${kb}→${outKind} ${what}`,
      check: isFloatKind(outKind) ? BINARY[op] : "exact",
      outs: [poisoned(outKind, sizeOf(p.shape))],
      run: (k, [o]) => k.binary(op, a, b, o!, p),
    });
  };
  for (const ka of KINDS) {
    for (const kb of KINDS) {
      // Mixed dtypes (ops mix an int tensor with a float one) on fewer shapes.
      const plans = binaryPlans(ka === kb ? SIZES : [0, 1, 17, 257]);
      plans.forEach(([p, na, nb], i) => {
        const a = operand(ka, na, 7 * na + i);
        const b = operand(kb, nb, 3 * nb + i + 1, kb === "i32" ? 5 : 4);
        for (const op of keys(BINARY)) push(op, a, b, p, `shape [${p.shape}]`);
      });
    }
    // Every pair of edge values: a down the rows, b along the columns.
    const e = edges(ka);
    const p = plan([e.length, e.length], [e.length, 1], [e.length]);
    for (const op of keys(BINARY)) push(op, e, e, p, "edge pairs");
  }
  return cases;
}

function whereCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  const pairs: [Kind, Kind][] = KINDS.map((k) => [k, k]);
  pairs.push(["i32", "f32"], ["f32", "f64"], ["u8", "i32"]);
  for (const [ka, kb] of pairs) {
    for (const [out, sa, sb] of [...BROADCASTS, ...SIZES.map((n) => [[n], [n], [n]])]) {
      // cond broadcast as b's shape, a as a's, b full size
      const c = random("u8", sizeOf(sb!), 5) as Uint8Array;
      const a = operand(ka, sizeOf(sa!), 6);
      const b = operand(kb, sizeOf(out!), 7);
      const p = plan(out!, sb!, sa!, out!);
      const outKind = promote(ka, kb);
      cases.push({
        label: `where ${ka},${kb}→${outKind} [${out}]`,
        check: "exact",
        outs: [poisoned(outKind, sizeOf(out!))],
        run: (k, [o]) => k.where(c, a, b, o!, p),
      });
    }
  }
  return cases;
}

function castCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  // Values that round, truncate, wrap past int32 and uint8, and NaN.
  const extremes = [3e9, -3e9, 2 ** 31, -(2 ** 31) - 1, 255.5, 256, -1, -0.7, 4294967297.5, 1e300];
  for (const from of KINDS) {
    for (const to of KINDS) {
      for (const n of SIZES) {
        const x = random(from, n, n + 11, { special: true, scale: 300 });
        if (from !== "u8") extremes.forEach((v, i) => i < n && (x[i] = v));
        cases.push({
          label: `cast ${from}→${to} n=${n}`,
          check: "exact",
          outs: [alloc(to, n)],
          run: (k, [o]) => k.cast(x, o!),
        });
      }
    }
  }
  return cases;
}

// ---------------------------------------------------------------- movement

function copyCases(): KernelCase[] {
  // [shape, x strides, x offset, out strides, out offset, x length, out length]: transpose, flip,
  // slice, broadcast, strided destination, rank 0, empty, and one that splits across threads.
  const layouts: [number[], number[], number, number[], number, number, number][] = [
    [[6, 4, 5], [1, 30, 6], 0, contiguous([6, 4, 5]), 0, 120, 120],
    [[257], [-1], 256, [1], 0, 257, 257],
    [[3, 4], [20, 2], 7, [4, 1], 0, 100, 12],
    [[5, 33], [0, 1], 0, [33, 1], 0, 33, 165],
    [[4, 3], [3, 1], 0, [10, 1], 3, 12, 43],
    [[], [], 5, [], 2, 9, 4],
    [[0, 3], [3, 1], 0, [3, 1], 0, 0, 0],
    [[257, 300], [1, 257], 0, [300, 1], 0, 77_100, 77_100],
  ];
  return KINDS.flatMap((kind) =>
    layouts.map(([shape, xs, xo, os, oo, xn, on]) => {
      const x = random(kind, xn, xn + 3, { special: true });
      const p: StridedPlan = { shape, strides: [xs, os] };
      return {
        label: `copy ${kind} [${shape}] strides [${xs}]→[${os}]`,
        check: "exact" as const,
        // Copies write only the view: the rest of out must keep its contents.
        outs: [random(kind, on, 9)],
        run: (k: CoreKernels, [o]: TypedArray[]) => k.copy(x, xo, o!, oo, p),
      };
    }),
  );
}

/** [outer, axisSize, inner, index count]: one element per index, rows, none, wide rows. */
const GATHERS: [number, number, number, number][] = [
  [1, 5, 1, 9],
  [3, 17, 33, 40],
  [2, 4, 1, 0],
  [1, 257, 3000, 50],
];

function gatherCases(scatter: boolean): KernelCase[] {
  return KINDS.flatMap((kind) =>
    GATHERS.map(([outer, axis, inner, n]) => {
      const r = rng(outer * 100 + n);
      // Repeated indices: scatterAdd must add every update.
      const idx = Int32Array.from({ length: n }, () => Math.floor(r() * axis));
      const label = `${kind} ${outer}×${axis}×${inner}, ${n} indices`;
      if (!scatter) {
        const x = random(kind, outer * axis * inner, 1, { special: true });
        return {
          label: `gather ${label}`,
          check: "exact" as const,
          outs: [alloc(kind, outer * n * inner)],
          run: (k: CoreKernels, [o]: TypedArray[]) => k.gather(x, idx, o!, outer, axis, inner),
        };
      }
      const u = random(kind, outer * n * inner, 2);
      const start = random(kind, outer * axis * inner, 3);
      const run = (k: CoreKernels, [o]: TypedArray[], upd = u) =>
        k.scatterAdd(upd, idx, o!, outer, axis, inner);
      return {
        label: `scatterAdd ${label}`,
        check: "sum" as const,
        outs: [start],
        run,
        magnitude: () => {
          const m = magnitudes(start);
          run(referenceKernels, [m], magnitudes(u));
          return [m];
        },
      };
    }),
  );
}

// ---------------------------------------------------------------- reductions, scans, sorts

/** [outer, size, inner]: long rows, lanes, empty axes, single elements, wide rows, one huge sum. */
const SHAPES: [number, number, number][] = [
  [1, 257, 1],
  [3, 17, 33],
  [4, 0, 3],
  [1, 1, 1],
  [2, 5, 1100],
  [33, 3, 1],
  [1, 300_000, 1],
];

function reduceCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  const push = (op: ReduceOp, x: TypedArray, [outer, size, inner]: number[], what = "") => {
    const kind = kindOf(x);
    const arg = op === "argmax" || op === "argmin";
    const outKind: Kind = arg || (kind === "u8" && (op === "sum" || op === "prod")) ? "i32" : kind;
    const run = (k: CoreKernels, [o]: TypedArray[], from = x) =>
      k.reduce(op, from, o!, outer!, size!, inner!);
    cases.push({
      label: `reduce ${op} ${kind}→${outKind} ${outer}×${size}×${inner}${what}`,
      check: REDUCE[op],
      outs: [alloc(outKind, outer! * inner!)],
      run,
      magnitude: () => {
        const m = alloc(outKind, outer! * inner!);
        run(referenceKernels, [m], magnitudes(x));
        return [m];
      },
    });
  };
  for (const kind of KINDS) {
    for (const op of keys(REDUCE)) {
      for (const shape of SHAPES) {
        if (shape[1] > 10_000 && (kind !== "f32" || op !== "sum")) continue;
        push(op, operand(kind, sizeOf(shape), shape[1] + op.length), shape);
      }
    }
  }
  // int32 products past 2^53 (odd factors, so they never reach 0 mod 2^32) and sums that wrap
  const odd = Int32Array.from(random("i32", 3 * 40 * 5, 8, { scale: 5 }), (v) => 2 * v + 1);
  push("prod", odd, [3, 40, 5], " of odd factors");
  const big = Int32Array.from(random("i32", 2 * 50, 9), (v) => v * 2 ** 28);
  push("sum", big, [2, 50, 1], " of large values");
  return cases;
}

function cumsumCases(): KernelCase[] {
  return KINDS.flatMap((kind) =>
    SHAPES.filter(([, size]) => size < 10_000).map(([outer, size, inner]) => {
      const x = operand(kind, outer * size * inner, size + 5);
      const run = (k: CoreKernels, [o]: TypedArray[], from = x) =>
        k.cumsum(from, o!, outer, size, inner);
      return {
        label: `cumsum ${kind} ${outer}×${size}×${inner}`,
        check: "sum" as const,
        outs: [alloc(kind, x.length)],
        run,
        magnitude: () => {
          const m = alloc(kind, x.length);
          run(referenceKernels, [m], magnitudes(x));
          return [m];
        },
      };
    }),
  );
}

function sortCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const kind of KINDS) {
    for (const [rows, size] of [
      [1, 0],
      [3, 1],
      [5, 17],
      [2, 257],
      [40, 1000],
    ] as const) {
      // Ties, ±0 and NaN from a small pool of values, then random values with specials.
      const r = rng(rows * size);
      const pool = [NaN, -0, 0, 1, 1, 2, -3, 2.5];
      const ties = alloc(kind, rows * size).map(() =>
        kind === "u8" ? Number(r() < 0.5) : pool[Math.floor(r() * 8)]!,
      );
      for (const x of [ties, operand(kind, rows * size, size)]) {
        for (const descending of [false, true]) {
          cases.push({
            label: `sort ${kind} ${rows}×${size}${descending ? " descending" : ""}`,
            check: "exact",
            outs: [alloc(kind, x.length), alloc("i32", x.length)],
            run: (k, [v, i]) => k.sort(x, v!, i as Int32Array, rows, size, descending),
          });
        }
      }
    }
  }
  return cases;
}

// ---------------------------------------------------------------- matmul and convolution

type Float = "f32" | "f64";
const FLOATS: readonly Float[] = ["f32", "f64"];

/** A float kernel's case: `run(k, outs, inputs)`; the magnitude is the same call on |inputs|. */
function floatCase(
  label: string,
  check: "product" | "sum",
  outs: TypedArray[],
  inputs: FloatArray[],
  run: (k: CoreKernels, outs: FloatArray[], inputs: FloatArray[]) => void,
): KernelCase {
  return {
    label,
    check,
    outs,
    run: (k, o) => run(k, o as FloatArray[], inputs),
    magnitude: () => {
      const m = outs.map((o) => alloc(kindOf(o), o.length) as FloatArray);
      run(referenceKernels, m, inputs.map(magnitudes) as FloatArray[]);
      return m;
    },
  };
}

function matmulCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  // [m, k, n, batch, a batch stride (in units of m·k; 0 broadcasts), b's, transA, transB]
  const shapes: [number, number, number, number, number, number, boolean, boolean][] = [];
  const sizes = [
    [1, 1, 1],
    [3, 17, 33],
    [33, 257, 3],
    [130, 300, 520],
    [0, 3, 4],
    [3, 0, 4],
    [4, 3, 0],
  ];
  for (const [m, k, n] of sizes) {
    for (const ta of [false, true])
      for (const tb of [false, true]) shapes.push([m!, k!, n!, 1, 1, 1, ta, tb]);
  }
  shapes.push(
    [5, 7, 3, 4, 1, 1, false, false],
    [5, 7, 3, 4, 0, 1, false, true],
    [5, 7, 3, 4, 1, 0, false, false], // one tall product
    [5, 7, 3, 4, 1, 0, true, false],
    [8, 8, 8, 50, 1, 1, false, false], // many small products
    [8, 8, 8, 50, 1, 0, true, true],
    [64, 40, 70, 3, 1, 1, true, false],
  );
  for (const kind of FLOATS) {
    for (const [m, k, n, batch, as, bs, ta, tb] of shapes) {
      const aStride = as * m * k;
      const bStride = bs * k * n;
      const a = random(kind, Math.max(aStride * batch, m * k), m + k) as FloatArray;
      const b = random(kind, Math.max(bStride * batch, k * n), k + n) as FloatArray;
      cases.push(
        floatCase(
          `matmul ${kind} ${batch}×(${m}×${k}×${n}) strides ${aStride},${bStride} tA=${ta} tB=${tb}`,
          "product",
          [poisoned(kind, batch * m * n)],
          [a, b],
          (K, [o], [x, y]) => K.matmul(x!, y!, o!, m, k, n, ta, tb, batch, aStride, bStride),
        ),
      );
    }
  }
  return cases;
}

type ConvKernel = "conv" | "convBackpropInput" | "convBackpropFilter";

function convCases(kernel: ConvKernel): KernelCase[] {
  return CONVS.flatMap(([name, c]) =>
    FLOATS.map((kind) => {
      const p = convParams(c);
      const vol = (t: readonly number[]) => t[0]! * t[1]! * t[2]!;
      const nx = p.batch * vol(p.inShape) * p.inChannels;
      const ny = p.batch * vol(p.outShape) * p.outChannels;
      const nw = vol(p.kernelShape) * (p.inChannels / p.groups) * p.outChannels;
      const x = random(kind, nx, 1) as FloatArray;
      const w = random(kind, nw, 2) as FloatArray;
      const dy = random(kind, ny, 3) as FloatArray;
      const label = `${kernel} ${name} ${kind}`;
      if (kernel === "conv") {
        return floatCase(label, "product", [poisoned(kind, ny)], [x, w], (K, [o], [a, b]) =>
          K.conv(a!, b!, o!, p),
        );
      }
      if (kernel === "convBackpropInput") {
        return floatCase(label, "product", [poisoned(kind, nx)], [dy, w], (K, [o], [a, b]) =>
          K.convBackpropInput(a!, b!, o!, p),
        );
      }
      return floatCase(label, "product", [poisoned(kind, nw)], [x, dy], (K, [o], [a, b]) =>
        K.convBackpropFilter(a!, b!, o!, p),
      );
    }),
  );
}

// ---------------------------------------------------------------- pooling

type PoolKernel = "maxPool" | "maxPoolBackprop" | "avgPool" | "avgPoolBackprop";

function poolCases(kernel: PoolKernel): KernelCase[] {
  return POOLS.flatMap(([name, p]) =>
    FLOATS.flatMap((kind) => {
      const nx = p.batch * sizeOf(p.inShape) * p.channels;
      const ny = p.batch * sizeOf(p.outShape) * p.channels;
      const x = random(kind, nx, 4, { special: true }) as FloatArray;
      const dy = random(kind, ny, 6) as FloatArray;
      const label = `${kernel} ${name} ${kind}`;
      switch (kernel) {
        case "maxPool":
          return [true, false].map((withArgmax) => ({
            label: `${label}${withArgmax ? "" : " without argmax"}`,
            check: "exact" as const,
            outs: withArgmax ? [poisoned(kind, ny), poisoned("i32", ny)] : [poisoned(kind, ny)],
            run: (K: CoreKernels, [o, arg]: TypedArray[]) =>
              K.maxPool(x, o as FloatArray, (arg as Int32Array | undefined) ?? null, p),
          }));
        case "maxPoolBackprop":
          // The winners the reference picks, and indices that name no cell of their window.
          return [winners(x, p, ny), foreignWinners(nx, ny)].map((argmax, i) =>
            floatCase(
              `${label}${i ? " with foreign winners" : ""}`,
              "sum",
              [poisoned(kind, nx)],
              [dy],
              (K, [o], [g]) => K.maxPoolBackprop(g!, argmax, o!, p),
            ),
          );
        case "avgPool":
          return [
            floatCase(label, "sum", [poisoned(kind, ny)], [x], (K, [o], [a]) =>
              K.avgPool(a!, o!, p),
            ),
          ];
        case "avgPoolBackprop":
          return [
            floatCase(label, "sum", [poisoned(kind, nx)], [dy], (K, [o], [g]) =>
              K.avgPoolBackprop(g!, o!, p),
            ),
          ];
      }
    }),
  );
}

/** The reference's argmax of maxPool over x. */
export function winners(x: FloatArray, p: PoolParams, ny: number): Int32Array {
  const argmax = new Int32Array(ny);
  referenceKernels.maxPool(x, alloc(kindOf(x), ny) as FloatArray, argmax, p);
  return argmax;
}

function foreignWinners(nx: number, ny: number): Int32Array {
  const r = rng(ny);
  return Int32Array.from({ length: ny }, () => Math.floor(r() * (nx + 1)) - 1);
}

/** Every core kernel's cases (an exhaustive table: a new core kernel needs its cases here). */
export const CASES: { [K in CoreKernel]: () => KernelCase[] } = {
  unary: unaryCases,
  binary: binaryCases,
  where: whereCases,
  cast: castCases,
  copy: copyCases,
  reduce: reduceCases,
  cumsum: cumsumCases,
  sort: sortCases,
  gather: () => gatherCases(false),
  scatterAdd: () => gatherCases(true),
  matmul: matmulCases,
  conv: () => convCases("conv"),
  convBackpropInput: () => convCases("convBackpropInput"),
  convBackpropFilter: () => convCases("convBackpropFilter"),
  maxPool: () => poolCases("maxPool"),
  maxPoolBackprop: () => poolCases("maxPoolBackprop"),
  avgPool: () => poolCases("avgPool"),
  avgPoolBackprop: () => poolCases("avgPoolBackprop"),
};
