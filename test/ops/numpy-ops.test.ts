/**
 * The keras.ops.numpy / nn names composed in src/ops/numpy-*.ts and nn-extra.ts against NumPy:
 * test/fixtures/ops/*.json hold inputs and NumPy 1.24's outputs, written by
 * test/fixtures/make_ops_fixtures.py (edge values, int dtypes, broadcasting). Every case runs on
 * every backend; values, shapes and dtypes must match.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import { eachBackend } from "../helpers.js";

type Num = number | "nan" | "inf" | "-inf" | "-0";
interface Enc {
  v: Num[];
  s: number[];
  d: st.DTypeName;
}
type Arg = Enc | Arg[] | number | string | boolean | null | Record<string, unknown>;
interface Case {
  op: string;
  args: Arg[];
  out: Enc | Enc[];
  rtol?: number;
}

const num = (v: Num): number =>
  v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "-0" ? -0 : v;
const isEnc = (a: unknown): a is Enc =>
  a !== null && typeof a === "object" && !Array.isArray(a) && "v" in a && "s" in a;

function decode(a: Arg): unknown {
  if (isEnc(a)) {
    const values = a.v.map(num);
    const typed =
      a.d === "float32"
        ? Float32Array.from(values)
        : a.d === "float64"
          ? Float64Array.from(values)
          : a.d === "int32"
            ? Int32Array.from(values)
            : Uint8Array.from(values);
    return st.tensor(typed, a.s, a.d);
  }
  if (Array.isArray(a)) return a.map(decode);
  if (a === "inf" || a === "-inf") return num(a);
  return a;
}

function check(got: unknown, want: Enc, rtol: number, where: string): void {
  // float32 results: NumPy rounds each step to float32 too, so absolute noise near 0 is allowed.
  const atol = want.d === "float32" ? 1e-7 : 1e-12;
  assert.ok(got instanceof st.Tensor, `${where}: expected a tensor, got ${String(got)}`);
  assert.deepEqual(
    got.shape,
    want.s,
    `${where}: shape ${JSON.stringify(got.shape)} vs ${JSON.stringify(want.s)}`,
  );
  assert.equal(got.dtype, want.d, `${where}: dtype ${got.dtype} vs ${want.d}`);
  const g = Array.from(got.dataSync(), Number);
  want.v.map(num).forEach((w, i) => {
    const x = g[i]!;
    if (Number.isNaN(w))
      return assert.ok(Number.isNaN(x), `${where}[${i}]: got ${x}, expected NaN`);
    if (w === 0 && x === 0 && want.d !== "int32") {
      return assert.ok(Object.is(w, x) || !Object.is(w, -0), `${where}[${i}]: got +0, expected -0`);
    }
    if (!Number.isFinite(w)) return assert.equal(x, w, `${where}[${i}]`);
    assert.ok(
      Math.abs(x - w) <= atol + rtol * Math.abs(w),
      `${where}[${i}]: got ${x}, expected ${w} (rtol ${rtol})`,
    );
  });
}

const groups = ["elementwise", "shape", "stats", "products", "nn", "linalg", "extra", "signal"];
const fixtures = new Map(
  groups.map((g) => [
    g,
    (
      JSON.parse(readFileSync(new URL(`../fixtures/ops/${g}.json`, import.meta.url), "utf8")) as {
        cases: Case[];
      }
    ).cases,
  ]),
);

eachBackend("keras.ops numpy names against NumPy", () => {
  for (const [group, cases] of fixtures) {
    it(`${group}: ${cases.length} cases match NumPy`, () => {
      const failures: string[] = [];
      cases.forEach((c, k) => {
        try {
          runCase(c, k);
        } catch (e) {
          failures.push((e as Error).message.split("\n")[0]!);
        }
      });
      assert.deepEqual(failures, []);
      function runCase(c: Case, k: number): void {
        const fn = (ops as unknown as Record<string, (...xs: unknown[]) => unknown>)[c.op];
        assert.equal(typeof fn, "function", `ops.${c.op} is missing`);
        const where = `${group} case ${k} ops.${c.op}`;
        let got: unknown;
        try {
          got = fn!(...c.args.map(decode));
        } catch (e) {
          throw new Error(`${where} threw: ${(e as Error).message}`);
        }
        const rtol = c.rtol ?? 1e-9;
        const f32 = (Array.isArray(c.out) ? c.out : [c.out]).some((o) => o.d === "float32");
        const tol = f32 ? Math.max(rtol, 2e-6) : rtol;
        if (Array.isArray(c.out)) {
          assert.ok(Array.isArray(got), `${where}: expected a list`);
          assert.equal(got.length, c.out.length, `${where}: list length`);
          c.out.forEach((o, i) => check((got as unknown[])[i], o, tol, `${where} #${i}`));
        } else {
          check(got, c.out, tol, where);
        }
      }
    });
  }
});
