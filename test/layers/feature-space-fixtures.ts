/**
 * A small structured data set with the columns of keras.io's heart-disease tutorial ("Structured
 * data classification with FeatureSpace"), made up row by row, and the float64 references the
 * FeatureSpace tests compare with.
 */

export interface HeartColumns {
  [name: string]: number[] | string[];
  age: number[];
  sex: number[];
  cp: number[];
  fbs: number[];
  restecg: number[];
  trestbps: number[];
  chol: number[];
  thalach: number[];
  exang: number[];
  oldpeak: number[];
  slope: number[];
  ca: number[];
  thal: string[];
}

const THAL = ["normal", "fixed", "reversible"];

/** `n` made-up patients (deterministic) and their 0/1 targets. */
export function heartData(n = 40): { x: HeartColumns; target: number[] } {
  const x: HeartColumns = {
    age: [],
    sex: [],
    cp: [],
    fbs: [],
    restecg: [],
    trestbps: [],
    chol: [],
    thalach: [],
    exang: [],
    oldpeak: [],
    slope: [],
    ca: [],
    thal: [],
  };
  const target: number[] = [];
  for (let i = 0; i < n; i++) {
    x.age.push(29 + ((i * 7) % 48));
    x.sex.push(i % 3 === 0 ? 0 : 1);
    x.cp.push(1 + (i % 4));
    x.fbs.push(i % 5 === 0 ? 1 : 0);
    x.restecg.push(i % 3);
    x.trestbps.push(94 + ((i * 13) % 106));
    x.chol.push(126 + ((i * 37) % 437));
    x.thalach.push(71 + ((i * 19) % 131));
    x.exang.push(i % 4 === 1 ? 1 : 0);
    x.oldpeak.push(((i * 11) % 62) / 10);
    x.slope.push(1 + (i % 3));
    x.ca.push(i % 4);
    x.thal.push(THAL[(i * 5) % 3]!);
    target.push((i * 3) % 5 < 2 ? 1 : 0);
  }
  return { x, target };
}

/** Mean and population standard deviation in float64 (what Normalization's adapt learns). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** A one-hot row of `depth` with a 1 at `index`. */
export function oneHot(index: number, depth: number): number[] {
  return Array.from({ length: depth }, (_, i) => (i === index ? 1 : 0));
}

/** The columns of a (batch, width) array from `start`, `width` wide. */
export function columns(rows: readonly (readonly number[])[], start: number, width: number) {
  return rows.map((r) => r.slice(start, start + width));
}

export function assertClose(actual: readonly number[], expected: readonly number[], tol = 1e-5) {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} != ${expected.length}`);
  }
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`index ${i}: ${a} is not close to ${e}`);
    }
  });
}
