import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  BinaryOp,
  Kernels,
  ReduceOp,
  StridedPlan,
  UnaryOp,
} from "../../src/backend/backend.js";
import { ValueError } from "../../src/errors.js";
import type { TypedArray } from "../../src/tensor/dtype.js";
import {
  KINDS,
  type Kind,
  SIZES,
  alloc,
  assertParity,
  contiguous,
  like,
  maxAbs,
  native,
  plan,
  random,
  rng,
  sizeOf,
  skipUnlessNative,
  ts,
} from "./parity-helpers.js";

// Every native kernel against the TypeScript reference, called directly (no ops in between), on
// random data with NaN / ±Infinity / ±0 mixed in, odd sizes, broadcasts and empty arrays.

// Exhaustive tables: adding an op to backend.ts without adding it here fails to compile.
const UNARY = Object.keys({
  neg: 0,
  abs: 0,
  sign: 0,
  square: 0,
  sqrt: 0,
  rsqrt: 0,
  reciprocal: 0,
  exp: 0,
  expm1: 0,
  log: 0,
  log1p: 0,
  sin: 0,
  cos: 0,
  tan: 0,
  tanh: 0,
  sigmoid: 0,
  erf: 0,
  relu: 0,
  softplus: 0,
  floor: 0,
  ceil: 0,
  round: 0,
  logicalNot: 0,
  isnan: 0,
  isfinite: 0,
} satisfies Record<UnaryOp, 0>) as UnaryOp[];
const BINARY = Object.keys({
  add: 0,
  sub: 0,
  mul: 0,
  div: 0,
  pow: 0,
  max: 0,
  min: 0,
  mod: 0,
  floorDiv: 0,
  eq: 0,
  ne: 0,
  lt: 0,
  le: 0,
  gt: 0,
  ge: 0,
  logicalAnd: 0,
  logicalOr: 0,
  logicalXor: 0,
} satisfies Record<BinaryOp, 0>) as BinaryOp[];
const REDUCE = Object.keys({
  sum: 0,
  prod: 0,
  max: 0,
  min: 0,
  argmax: 0,
  argmin: 0,
} satisfies Record<ReduceOp, 0>) as ReduceOp[];
const PREDICATES = new Set<string>([
  "logicalNot",
  "isnan",
  "isfinite",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
]);

/** Runs one kernel call on both backends with fresh outputs and compares every output. */
function both(
  call: (k: Kernels, outs: TypedArray[]) => void,
  outs: TypedArray[],
): [TypedArray[], TypedArray[]] {
  const a = outs.map(like);
  const b = outs.map(like);
  // Outputs start from the same contents (scatterAdd accumulates into them).
  outs.forEach((o, i) => {
    a[i]!.set(o);
    b[i]!.set(o);
  });
  call(native!, a);
  call(ts, b);
  return [a, b];
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

describe("native parity: elementwise", skipUnlessNative, () => {
  it("unary: every op, float and integer dtypes, every size", () => {
    for (const kind of KINDS) {
      for (const op of UNARY) {
        for (const n of SIZES) {
          const x = random(kind, n, n + 1, { special: true });
          const outKinds: Kind[] = PREDICATES.has(op) ? ["u8", kind] : [kind];
          for (const outKind of outKinds) {
            const [[g], [w]] = both((k, [o]) => k.unary(op, x, o!), [alloc(outKind, n)]);
            assertParity(`unary ${op} ${kind}→${outKind} n=${n}`, g!, w!);
          }
        }
      }
    }
  });

  it("binary: every op, contiguous and broadcast plans, integer and bool operands", () => {
    for (const kind of KINDS) {
      for (const op of BINARY) {
        const cases: [StridedPlan, number, number][] = SIZES.map((n) => [
          plan([n], [n], [n]),
          n,
          n,
        ]);
        for (const [out, sa, sb] of BROADCASTS)
          cases.push([plan(out, sa, sb), sizeOf(sa), sizeOf(sb)]);
        // A transposed left operand: a is [5, 7] read as [7, 5].
        cases.push([{ shape: [7, 5], strides: [[1, 7], contiguous([7, 5])] }, 35, 35]);
        for (const [p, na, nb] of cases) {
          // Small integer exponents and divisors keep pow / mod / floorDiv meaningful on int32.
          const a = random(kind, na, 7 * na + 1, { special: true, scale: kind === "i32" ? 9 : 4 });
          const b = random(kind, nb, 3 * nb + 2, { special: true, scale: kind === "i32" ? 5 : 4 });
          const outKind: Kind = PREDICATES.has(op) ? "u8" : kind;
          const [[g], [w]] = both(
            (k, [o]) => k.binary(op, a, b, o!, p),
            [alloc(outKind, sizeOf(p.shape))],
          );
          assertParity(`binary ${op} ${kind} shape [${p.shape}]`, g!, w!);
        }
      }
    }
  });

  it("binary: mixed operand dtypes are delegated and still agree", () => {
    const a = random("i32", 12, 1);
    const b = random("f32", 12, 2);
    const [[g], [w]] = both(
      (k, [o]) => k.binary("div", a, b, o!, plan([12], [12], [12])),
      [alloc("f32", 12)],
    );
    assertParity("binary div i32/f32", g!, w!);
  });

  it("where: every dtype, broadcast condition and operands", () => {
    for (const kind of KINDS) {
      for (const [out, sa, sb] of BROADCASTS) {
        const c = random("u8", sizeOf(sb), 5);
        const a = random(kind, sizeOf(sa), 6, { special: true });
        const b = random(kind, sizeOf(out), 7, { special: true });
        const p = plan(out, sb, sa, out);
        const [[g], [w]] = both(
          (k, [o]) => k.where(c as Uint8Array, a, b, o!, p),
          [alloc(kind, sizeOf(out))],
        );
        assertParity(`where ${kind} [${out}]`, g!, w!);
      }
    }
  });

  it("cast: every dtype pair, with NaN, infinities and values that wrap", () => {
    const extremes = [3e9, -3e9, 2 ** 31, -(2 ** 31) - 1, 255.5, 256, -1, -0.7, 4294967297.5];
    for (const from of KINDS) {
      for (const to of KINDS) {
        for (const n of SIZES) {
          const x = random(from, n, n + 11, { special: true, scale: 300 });
          if (from !== "u8") extremes.forEach((v, i) => i < n && (x[i] = v));
          const [[g], [w]] = both((k, [o]) => k.cast(x, o!), [alloc(to, n)]);
          assertParity(`cast ${from}→${to} n=${n}`, g!, w!, { rtol: 0 });
        }
      }
    }
  });
});

describe("native parity: movement", skipUnlessNative, () => {
  it("copy: transpose, flip, slice, broadcast, strided destination, rank 0", () => {
    // [shape, x strides, x offset, out strides, out offset, x length, out length]
    const cases: [number[], number[], number, number[], number, number, number][] = [
      [[6, 4, 5], [1, 30, 6], 0, contiguous([6, 4, 5]), 0, 120, 120],
      [[257], [-1], 256, [1], 0, 257, 257],
      [[3, 4], [20, 2], 7, [4, 1], 0, 100, 12],
      [[5, 33], [0, 1], 0, [33, 1], 0, 33, 165],
      [[4, 3], [3, 1], 0, [10, 1], 3, 12, 43],
      [[], [], 5, [], 2, 9, 4],
      [[0, 3], [3, 1], 0, [3, 1], 0, 0, 0],
      [[257, 300], [1, 257], 0, [300, 1], 0, 77_100, 77_100],
    ];
    for (const kind of KINDS) {
      for (const [shape, xs, xo, os, oo, xn, on] of cases) {
        const x = random(kind, xn, xn + 3, { special: true });
        const p: StridedPlan = { shape, strides: [xs, os] };
        const [[g], [w]] = both((k, [o]) => k.copy(x, xo, o!, oo, p), [random(kind, on, 9)]);
        assertParity(`copy ${kind} [${shape}]`, g!, w!, { rtol: 0 });
      }
    }
  });

  it("gather and scatterAdd: repeated indices, every dtype, empty index lists", () => {
    for (const kind of KINDS) {
      const cases: [number, number, number, number][] = [
        [1, 5, 1, 9],
        [3, 17, 33, 40],
        [2, 4, 1, 0],
        [1, 257, 3000, 50],
      ];
      for (const [outer, axis, inner, n] of cases) {
        const r = rng(outer * 100 + n);
        const idx = Int32Array.from({ length: n }, () => Math.floor(r() * axis));
        const x = random(kind, outer * axis * inner, 1);
        const [[g], [w]] = both(
          (k, [o]) => k.gather(x, idx, o!, outer, axis, inner),
          [alloc(kind, outer * n * inner)],
        );
        assertParity(`gather ${kind} ${outer}×${axis}×${inner}`, g!, w!, { rtol: 0 });
        const u = random(kind, outer * n * inner, 2);
        const start = random(kind, outer * axis * inner, 3);
        const [[gs], [ws]] = both(
          (k, [o]) => k.scatterAdd(u, idx, o!, outer, axis, inner),
          [start],
        );
        assertParity(`scatterAdd ${kind} ${outer}×${axis}×${inner}`, gs!, ws!);
      }
    }
  });
});

describe("native parity: reductions, prefix sums and sorts", skipUnlessNative, () => {
  const SHAPES: [number, number, number][] = [
    [1, 257, 1],
    [3, 17, 33],
    [4, 0, 3],
    [1, 1, 1],
    [2, 5, 1100],
    [33, 3, 1],
    [1, 300_000, 1],
  ];

  it("reduce: every op and dtype, axis sizes from 0 up, NaN included", () => {
    for (const kind of KINDS) {
      for (const op of REDUCE) {
        for (const [outer, size, inner] of SHAPES) {
          if (size > 10_000 && (kind !== "f32" || op !== "sum")) continue;
          const x = random(kind, outer * size * inner, size + op.length, { special: op !== "sum" });
          const outKind: Kind =
            op.startsWith("arg") || (kind === "u8" && (op === "sum" || op === "prod"))
              ? "i32"
              : kind;
          const [[g], [w]] = both(
            (k, [o]) => k.reduce(op, x, o!, outer, size, inner),
            [alloc(outKind, outer * inner)],
          );
          const tol = op === "sum" ? { scale: maxAbs(x) } : {};
          assertParity(`reduce ${op} ${kind} ${outer}×${size}×${inner}`, g!, w!, tol);
        }
      }
    }
  });

  it("cumsum: every dtype and shape", () => {
    for (const kind of KINDS) {
      for (const [outer, size, inner] of SHAPES) {
        if (size > 10_000) continue;
        const x = random(kind, outer * size * inner, size + 5);
        const [[g], [w]] = both(
          (k, [o]) => k.cumsum(x, o!, outer, size, inner),
          [alloc(kind, x.length)],
        );
        assertParity(`cumsum ${kind} ${outer}×${size}×${inner}`, g!, w!, {
          scale: maxAbs(x) * Math.sqrt(size),
        });
      }
    }
  });

  it("sort: stable in both directions, ties, ±0 and NaN last", () => {
    for (const kind of KINDS) {
      for (const [rows, size] of [
        [1, 0],
        [3, 1],
        [5, 17],
        [2, 257],
        [40, 1000],
      ]) {
        const r = rng(rows! * size!);
        const x = alloc(kind, rows! * size!);
        const pool = [NaN, -0, 0, 1, 1, 2, -3, 2.5];
        for (let i = 0; i < x.length; i++)
          x[i] = kind === "u8" ? (r() < 0.5 ? 1 : 0) : pool[Math.floor(r() * 8)]!;
        for (const desc of [false, true]) {
          const [[gv, gi], [wv, wi]] = both(
            (k, [v, idx]) => k.sort(x, v!, idx as Int32Array, rows!, size!, desc),
            [alloc(kind, x.length), alloc("i32", x.length)],
          );
          assertParity(`sort values ${kind} ${rows}×${size} desc=${desc}`, gv!, wv!, { rtol: 0 });
          assertParity(`sort indices ${kind} ${rows}×${size} desc=${desc}`, gi!, wi!);
        }
      }
    }
  });
});

describe("native guards: bad arguments throw, never crash", skipUnlessNative, () => {
  const k = native!;
  it("rejects short outputs, reads past the end and out-of-range indices", () => {
    const x = new Float32Array(10);
    assert.throws(() => k.unary("exp", x, new Float32Array(9)), ValueError);
    assert.throws(
      () => k.binary("add", x, x, new Float32Array(12), plan([12], [12], [12])),
      ValueError,
    );
    assert.throws(
      () => k.copy(x, 5, new Float32Array(10), 0, { shape: [6], strides: [[1], [1]] }),
      ValueError,
    );
    assert.throws(
      () => k.copy(x, 0, new Float32Array(10), 0, { shape: [2], strides: [[-1], [1]] }),
      ValueError,
    );
    assert.throws(() => k.reduce("sum", x, new Float32Array(2), 2, 6, 1), ValueError);
    assert.throws(
      () => k.gather(x, Int32Array.of(0, 10), new Float32Array(2), 1, 10, 1),
      /index 10 at position 1/,
    );
    assert.throws(
      () => k.scatterAdd(x, Int32Array.of(-1), new Float32Array(10), 1, 10, 1),
      ValueError,
    );
    assert.throws(
      () => k.matmul(x, x, new Float32Array(9), 3, 4, 3, false, false, 1, 0, 0),
      ValueError,
    );
    assert.throws(() => k.reduce("sum", x, new Float32Array(1), 1, 10.5, 1), ValueError);
  });
});
