/**
 * Independent float64 reference loops for the recurrent layers, written from Keras's documented
 * equations (one sample at a time, plain arrays), for the value tests.
 */
import type { Tensor } from "../../src/index.js";

export type Vec = number[];
export type Mat = number[][];

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function vecMat(v: Vec, m: Mat): Vec {
  const out = new Array<number>(m[0]!.length).fill(0);
  v.forEach((a, i) => m[i]!.forEach((w, j) => (out[j]! += a * w)));
  return out;
}

const part = (v: Vec, g: number, u: number): Vec => v.slice(g * u, (g + 1) * u);

export interface RefCell {
  kind: "simple" | "lstm" | "gru";
  units: number;
  kernel: Mat;
  recurrent: Mat;
  /** [G·u] or, for GRU reset_after, [2][G·u]; null without bias */
  bias: Vec | Mat | null;
  resetAfter?: boolean;
  activation?: (v: number) => number;
  recurrentActivation?: (v: number) => number;
}

/** The layer's weights, as nested arrays, in Keras's order kernel, recurrent_kernel, bias. */
export function refCell(
  kind: RefCell["kind"],
  weights: Tensor[],
  extra: Partial<RefCell> = {},
): RefCell {
  const [k, r, b] = weights.map((w) => w.toArray());
  return {
    kind,
    units: (r as Mat).length,
    kernel: k as Mat,
    recurrent: r as Mat,
    bias: (b as Vec | Mat | undefined) ?? null,
    ...extra,
  };
}

/** One step for one sample: states [h] or [h, c] → new states. */
export function refStep(cell: RefCell, x: Vec, states: Vec[]): Vec[] {
  const u = cell.units;
  const act = cell.activation ?? Math.tanh;
  const gate = cell.recurrentActivation ?? sigmoid;
  const h = states[0]!;
  const xw = vecMat(x, cell.kernel);
  if (cell.kind === "simple") {
    const hu = vecMat(h, cell.recurrent);
    const b = (cell.bias as Vec | null) ?? new Array<number>(u).fill(0);
    return [xw.map((v, j) => act(v + b[j]! + hu[j]!))];
  }
  if (cell.kind === "lstm") {
    const c = states[1]!;
    const hu = vecMat(h, cell.recurrent);
    const b = (cell.bias as Vec | null) ?? new Array<number>(4 * u).fill(0);
    const z = xw.map((v, j) => v + hu[j]! + b[j]!);
    const i = part(z, 0, u).map(gate);
    const f = part(z, 1, u).map(gate);
    const g = part(z, 2, u).map(act);
    const o = part(z, 3, u).map(gate);
    const c2 = c.map((cv, j) => f[j]! * cv + i[j]! * g[j]!);
    const h2 = c2.map((cv, j) => o[j]! * act(cv));
    return [h2, c2];
  }
  // GRU, gates z, r, h
  const zeros = new Array<number>(3 * u).fill(0);
  const resetAfter = cell.resetAfter ?? true;
  const bIn = cell.bias ? (resetAfter ? (cell.bias as Mat)[0]! : (cell.bias as Vec)) : zeros;
  const bRec = cell.bias && resetAfter ? (cell.bias as Mat)[1]! : zeros;
  const uz = cell.recurrent.map((row) => row.slice(0, 2 * u));
  const uh = cell.recurrent.map((row) => row.slice(2 * u));
  const hzr = vecMat(h, uz);
  const z = part(xw, 0, u).map((v, j) => gate(v + bIn[j]! + hzr[j]! + bRec[j]!));
  const r = part(xw, 1, u).map((v, j) => gate(v + bIn[u + j]! + hzr[u + j]! + bRec[u + j]!));
  let rec: Vec;
  if (resetAfter) {
    const hh = vecMat(h, uh);
    rec = hh.map((v, j) => r[j]! * (v + bRec[2 * u + j]!));
  } else {
    rec = vecMat(
      h.map((v, j) => r[j]! * v),
      uh,
    );
  }
  const cand = part(xw, 2, u).map((v, j) => act(v + bIn[2 * u + j]! + rec[j]!));
  return [h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * cand[j]!)];
}

export interface RefOptions {
  goBackwards?: boolean;
  /** [batch][time], false = masked */
  mask?: boolean[][];
  /** initial states: [state][batch][units] */
  initial?: Mat[];
  zeroOutputForMask?: boolean;
}

/**
 * Keras's RNN loop: outputs in processing order [batch][time][units], the last output, and the
 * final states [state][batch][units]. Masked steps keep the states and repeat the last output.
 */
export function refRun(
  cell: RefCell,
  x: number[][][],
  opts: RefOptions = {},
): { sequence: number[][][]; last: Mat; states: Mat[] } {
  const u = cell.units;
  const nStates = cell.kind === "lstm" ? 2 : 1;
  const sequence: number[][][] = [];
  const last: Mat = [];
  const finals: Mat[] = Array.from({ length: nStates }, () => []);
  x.forEach((sample, b) => {
    let states = Array.from(
      { length: nStates },
      (_, s) => opts.initial?.[s]?.[b] ?? new Array<number>(u).fill(0),
    );
    let prev = new Array<number>(u).fill(0);
    const outs: Mat = [];
    const steps = sample.length;
    for (let k = 0; k < steps; k++) {
      const t = opts.goBackwards ? steps - 1 - k : k;
      const next = refStep(cell, sample[t]!, states);
      const keep = opts.mask ? opts.mask[b]![t]! : true;
      if (keep) {
        states = next;
        prev = next[0]!;
      } else if (opts.zeroOutputForMask) {
        prev = new Array<number>(u).fill(0);
      }
      outs.push(prev);
    }
    sequence.push(outs);
    last.push(prev);
    states.forEach((s, i) => finals[i]!.push(s));
  });
  return { sequence, last, states: finals };
}
