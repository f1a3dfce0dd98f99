import type { TypedArray } from "../../tensor/dtype.js";

/**
 * `fn(out, inputs…, shape, strides…)`: writes out contiguously while reading each input through
 * its strides. The per-element expression is compiled into the loop once per op, so the hot loop
 * calls no closure and stays monomorphic in shape.
 */
export type StridedLoop = (
  out: TypedArray,
  inputs: readonly TypedArray[],
  shape: readonly number[],
  strides: readonly (readonly number[])[],
) => void;

/**
 * Compiles a loop over `arity` inputs named x0, x1, … whose element value is `expr` (written in
 * terms of v0, v1, …). `helpers` are functions the expression may call by name.
 */
export function compileStrided(
  arity: number,
  expr: string,
  helpers: Record<string, (...args: number[]) => number> = {},
): StridedLoop {
  const ks = Array.from({ length: arity }, (_, k) => k);
  const body = `
    const rank = shape.length;
    ${ks.map((k) => `const x${k} = inputs[${k}], s${k} = strides[${k}];`).join("\n")}
    if (rank === 0) {
      ${ks.map((k) => `const v${k} = x${k}[0];`).join(" ")}
      out[0] = ${expr};
      return;
    }
    const n = shape[rank - 1];
    let rows = 1;
    for (let d = 0; d < rank - 1; d++) rows *= shape[d];
    if (n === 0 || rows === 0) return;
    ${ks.map((k) => `const i${k} = s${k}[rank - 1]; let o${k} = 0;`).join("\n")}
    const idx = new Int32Array(rank);
    let o = 0;
    for (let r = 0; r < rows; r++) {
      ${ks.map((k) => `let p${k} = o${k};`).join(" ")}
      for (let j = 0; j < n; j++) {
        ${ks.map((k) => `const v${k} = x${k}[p${k}]; p${k} += i${k};`).join(" ")}
        out[o++] = ${expr};
      }
      for (let d = rank - 2; d >= 0; d--) {
        ${ks.map((k) => `o${k} += s${k}[d];`).join(" ")}
        if (++idx[d] < shape[d]) break;
        ${ks.map((k) => `o${k} -= s${k}[d] * shape[d];`).join(" ")}
        idx[d] = 0;
      }
    }`;
  const names = Object.keys(helpers);
  const factory = new Function(
    ...names,
    `return function (out, inputs, shape, strides) {${body}};`,
  );
  return factory(...names.map((n) => helpers[n])) as StridedLoop;
}
