// interpolationOrder 2–5: B-spline resampling as scipy.ndimage.affine_transform (prefilter on),
// which Keras's legacy generator calls. References: scipy's output for Keras's
// apply_affine_transform on a 6×6 image (printed by a script that builds Keras's matrix and calls
// scipy 1.17; for "reflect" it prefilters as scipy 1.18 does, since scipy ≤ 1.17 reused a running
// sum in that prefilter's first value, an error of up to 1e-4 on small images fixed by
// scipy#24615, and lets scipy evaluate with prefilter=False); properties every interpolating spline has (identity, constants,
// polynomials of degree ≤ order reproduced away from the edges); and a float64 reference written
// here that solves the interpolation system directly (a dense solve, not the recursive filter).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { SamplingMap } from "../../src/preprocessing/image/affine-matrix.js";
import type { FillMode } from "../../src/preprocessing/image/resample.js";
import {
  type SplineOrder,
  splineResampleBatch,
} from "../../src/preprocessing/image/spline-resample.js";

const { ImageDataGenerator } = st.preprocessing.image;
const ORDERS: SplineOrder[] = [2, 3, 4, 5];
const MODES: FillMode[] = ["nearest", "constant", "reflect", "wrap"];

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = "",
): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= tol,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/** Runs the resampler on one single-channel image given as rows. */
function resample(
  img: number[][],
  map: SamplingMap,
  mode: FillMode,
  order: SplineOrder,
  cval = 0,
): number[] {
  const x = st.tensor(img.flat(), [1, img.length, img[0]!.length, 1]);
  return Array.from(splineResampleBatch(x, [map], mode, cval, order).dataSync());
}

const IDENTITY: SamplingMap = { rr: 1, rc: 0, r0: 0, cr: 0, cc: 1, c0: 0 };

// A 6×6 image: (7r + 3c) mod 11 + r·c / 4.
const X = [
  0.0, 3.0, 6.0, 9.0, 1.0, 4.0, 7.0, 10.25, 2.5, 5.75, 9.0, 1.25, 3.0, 6.5, 10.0, 2.5, 6.0, 9.5,
  10.0, 2.75, 6.5, 10.25, 3.0, 6.75, 6.0, 10.0, 3.0, 7.0, 11.0, 15.0, 2.0, 6.25, 10.5, 3.75, 8.0,
  12.25,
];
const SCIPY: Record<string, number[]> = {
  "3/nearest": [
    4.49561, 9.09498, 6.92034, 5.00871, 1.47629, 6.44951, 3.03703, 3.66843, 4.75745, 7.68514,
    8.58369, 8.95938, 9.04464, 8.40584, 6.6435, 3.75979, 2.48224, 8.45241, 4.09575, 4.91067,
    7.45793, 10.02946, 9.19598, 13.33796, 7.24662, 6.8338, 5.1959, 2.9311, 4.77304, 7.2695, 9.71763,
    6.41925, 8.75823, 10.07725, 7.16096, 4.18774,
  ],
  "3/constant": [
    0.5, 0.5, 6.69877, 4.29401, 0.5, 0.5, 0.5, 4.22763, 4.73248, 8.08085, 8.73065, 0.5, 8.24245,
    8.63123, 6.53082, 3.68343, 2.48418, 8.7811, 4.04611, 4.84965, 7.44551, 10.0688, 9.23149,
    13.40106, 0.5, 7.6481, 5.235, 2.97449, 4.52922, 0.5, 0.5, 0.5, 7.95052, 10.33961, 0.5, 0.5,
  ],
  "3/reflect": [
    4.50018, 9.66853, 6.97509, 5.2187, 1.42091, 6.31193, 2.96673, 3.51765, 4.76447, 7.58331,
    8.54306, 9.42358, 9.26339, 8.3465, 6.67336, 3.77983, 2.48185, 8.36381, 4.108, 4.92715, 7.46097,
    10.01871, 9.18666, 13.3215, 7.74356, 6.61458, 5.18763, 2.91958, 4.83817, 7.23037, 9.8342,
    6.3645, 8.984, 10.00466, 7.53761, 3.98826,
  ],
  "3/wrap": [
    6.44521, 6.02332, 6.69877, 4.29401, 7.08777, 9.13991, 6.88739, 4.22763, 4.73248, 8.08085,
    8.73065, 4.56153, 8.24245, 8.63123, 6.53082, 3.68343, 2.48418, 8.7811, 4.04611, 4.84965,
    7.44551, 10.0688, 9.23149, 13.40106, 6.22222, 7.6481, 5.235, 2.97449, 4.52922, 1.37094, 6.46345,
    14.58333, 7.95052, 10.33961, 6.99978, 8.59595,
  ],
  "2/nearest": [
    4.59336, 8.76933, 7.05831, 5.32104, 1.41227, 6.53597, 3.0679, 3.86439, 4.96929, 7.69292,
    8.39684, 9.00657, 9.11678, 8.11256, 7.1359, 3.78262, 2.56666, 8.40008, 3.87937, 5.19645,
    7.33719, 10.05023, 8.97304, 13.28285, 7.37402, 6.82139, 5.58285, 2.95213, 4.89548, 7.38764,
    9.54817, 6.35142, 8.87915, 10.00618, 6.91989, 4.32699,
  ],
  "2/reflect": [
    4.59023, 9.16446, 7.07427, 5.42392, 1.37543, 6.43069, 3.02759, 3.79009, 4.96936, 7.65815,
    8.36043, 9.34061, 9.20266, 8.09154, 7.14242, 3.7866, 2.56469, 8.35944, 3.90267, 5.201, 7.33759,
    10.04728, 8.97012, 13.26265, 7.68884, 6.69556, 5.58177, 2.94704, 4.94267, 7.36839, 9.69878,
    6.3235, 8.97129, 9.96112, 7.13361, 4.13603,
  ],
  "4/nearest": [
    4.37202, 9.37688, 6.97699, 4.81978, 1.49298, 6.57296, 3.0112, 3.56907, 4.64269, 7.96312,
    8.76735, 9.0682, 9.19567, 8.70294, 6.46714, 3.54105, 2.34002, 8.28375, 4.0448, 4.73763, 7.53247,
    10.24518, 9.45633, 13.41939, 7.29966, 6.95121, 5.03866, 2.85008, 4.62664, 7.21171, 9.96879,
    6.44664, 8.81886, 10.24907, 7.31855, 3.99991,
  ],
  "4/reflect": [
    4.39204, 10.04948, 7.08525, 5.1202, 1.44292, 6.43746, 2.92569, 3.30859, 4.67193, 7.7317,
    8.74307, 9.59377, 9.56533, 8.57684, 6.54288, 3.59209, 2.35328, 8.13424, 4.01808, 4.77802,
    7.53504, 10.21687, 9.43392, 13.4203, 7.97396, 6.6256, 4.99856, 2.83902, 4.69182, 7.15679,
    10.05817, 6.37293, 9.19653, 10.15898, 7.82726, 3.78686,
  ],
  "5/nearest": [
    4.30811, 9.4949, 6.98164, 4.6634, 1.52551, 6.61093, 2.99344, 3.52846, 4.56529, 8.0963, 8.87216,
    9.06911, 9.20026, 8.88751, 6.30782, 3.44995, 2.27969, 8.22506, 4.07069, 4.62826, 7.56683,
    10.30015, 9.61887, 13.41287, 7.28852, 7.03986, 4.92195, 2.83562, 4.54205, 7.17561, 10.08649,
    6.47352, 8.77639, 10.317, 7.41318, 3.92934,
  ],
  "5/reflect": [
    4.3407, 10.198, 7.13997, 5.01038, 1.48371, 6.49649, 2.89849, 3.1872, 4.62058, 7.74682, 8.87772,
    9.60996, 9.69774, 8.70501, 6.43442, 3.53656, 2.31133, 8.02062, 3.99206, 4.69372, 7.57139,
    10.25569, 9.58539, 13.44137, 8.08119, 6.65682, 4.8428, 2.82742, 4.58728, 7.10488, 10.1484,
    6.38654, 9.27132, 10.22469, 8.00639, 3.71162,
  ],
  shiftzoom: [
    2.91238, 4.77761, 8.44345, 6.96792, 0.96064, 3.50631, 1.79135, 5.05048, 9.28329, 6.62473,
    -0.06123, 4.04832, 8.2682, 3.93107, 4.41026, 8.17677, 6.03335, 1.46368, 7.80978, 9.45988,
    4.65605, 3.02148, 7.99936, 8.17432, 2.70702, 5.3224, 10.00399, 7.31964, 2.50244, 6.26167,
    10.00414, 4.56721, 4.02285, 8.65395, 11.1813, 14.49225,
  ],
};

describe("ImageDataGenerator interpolationOrder 2–5", () => {
  it("rotates as Keras (scipy's B-splines) for every order and fill mode", () => {
    for (const [key, expected] of Object.entries(SCIPY)) {
      if (key === "shiftzoom") continue;
      const [order, mode] = key.split("/") as [string, FillMode];
      const g = new ImageDataGenerator({
        interpolationOrder: Number(order) as SplineOrder,
        fillMode: mode,
        cval: 0.5,
      });
      const y = g.applyTransform(st.tensor(X, [6, 6, 1]), { theta: 30 });
      assertClose(y.dataSync(), expected, 2e-5, key);
    }
  });

  it("shifts and zooms as Keras", () => {
    const g = new ImageDataGenerator({ interpolationOrder: 3 });
    const y = g.applyTransform(st.tensor(X, [6, 6, 1]), { tx: 0.4, ty: -1.3, zx: 0.8, zy: 1.1 });
    assertClose(y.dataSync(), SCIPY["shiftzoom"]!, 2e-5, "shiftzoom");
  });

  it("returns the image unchanged for the identity map, for every order and mode", () => {
    const img = [
      [3, -1, 4, 1, 5],
      [9, 2, -6, 5, 3],
      [5, 8, 9, -7, 9],
      [3, 2, 3, 8, 4],
    ];
    for (const order of ORDERS) {
      for (const mode of MODES) {
        assertClose(resample(img, IDENTITY, mode, order), img.flat(), 1e-5, `${order}/${mode}`);
      }
    }
  });

  it("keeps a constant image constant under a rotation (cval the same constant)", () => {
    const img = Array.from({ length: 7 }, () => Array.from({ length: 9 }, () => 2.5));
    const t = (20 * Math.PI) / 180;
    const map: SamplingMap = {
      rr: Math.cos(t),
      rc: Math.sin(t),
      r0: -1.2,
      cr: -Math.sin(t),
      cc: Math.cos(t),
      c0: 0.7,
    };
    for (const order of ORDERS) {
      for (const mode of MODES) {
        const y = resample(img, map, mode, order, 2.5);
        assertClose(y, new Array(y.length).fill(2.5), 1e-5, `${order}/${mode}`);
      }
    }
  });

  it("reproduces polynomials of degree ≤ order away from the edges (a fractional shift)", () => {
    const cols = 48;
    const shift = 0.3;
    const f = (c: number, degree: number): number => ((c - 24) / 8) ** degree;
    const map: SamplingMap = { rr: 1, rc: 0, r0: 0, cr: 0, cc: 1, c0: shift };
    for (const [order, degree] of [
      [2, 2],
      [3, 3],
      [4, 3],
      [5, 3],
      [4, 4],
      [5, 5],
    ] as const) {
      const img = [Array.from({ length: cols }, (_, c) => f(c, degree))];
      const y = resample(img, map, "reflect", order);
      for (let c = 18; c < 30; c++) {
        assert.ok(
          Math.abs(y[c]! - f(c + shift, degree)) < 1e-4,
          `order ${order}, degree ${degree}, column ${c}: ${y[c]} vs ${f(c + shift, degree)}`,
        );
      }
    }
    // Linear interpolation (order 1) does not reproduce a quadratic: the test can tell.
    const quad = [Array.from({ length: cols }, (_, c) => f(c, 2))];
    const lin = new ImageDataGenerator({ interpolationOrder: 1 }).applyTransform(
      st.tensor(quad.flat(), [1, cols, 1]),
      { tx: shift },
    );
    assert.ok(Math.abs(lin.dataSync()[24]! - f(24.3, 2)) > 1e-3);
  });

  it("matches a float64 reference that solves the spline system directly", () => {
    const img = [
      [0.5, 2, -1, 3, 4, 0],
      [1, 5, 2, -2, 1, 3],
      [4, 0, 1, 2, 6, -1],
      [2, 3, 3, 0, 1, 2],
      [-1, 1, 4, 5, 2, 0],
    ];
    const maps: SamplingMap[] = [
      { rr: 1, rc: 0, r0: 0.35, cr: 0, cc: 1, c0: -0.6 },
      { rr: 0.9, rc: 0.2, r0: -0.8, cr: -0.15, cc: 1.1, c0: 0.4 },
    ];
    for (const order of ORDERS) {
      for (const mode of MODES) {
        for (const map of maps) {
          const expected = reference(img, map, mode, order, 0.25);
          assertClose(resample(img, map, mode, order, 0.25), expected, 1e-5, `${order}/${mode}`);
        }
      }
    }
  });

  it("runs through flow with augmentation", async () => {
    const g = new ImageDataGenerator({
      interpolationOrder: 5,
      rotationRange: 40,
      fillMode: "reflect",
    });
    const it = g.flow(st.tensor(X.concat(X), [2, 6, 6, 1]), null, { batchSize: 2, seed: 1 });
    const batch = (await it.next()).value as st.Tensor;
    assert.deepEqual(batch.shape, [2, 6, 6, 1]);
    assert.ok(Array.from(batch.dataSync()).every(Number.isFinite));
  });
});

// ---- The float64 reference: interpolation by a dense solve, then direct evaluation. ----

/** The centred B-spline of degree o, by the Cox–de Boor recursion on the knots −(o+1)/2 … (o+1)/2. */
function beta(x: number, o: number): number {
  const knots = Array.from({ length: o + 2 }, (_, k) => k - (o + 1) / 2);
  const rec = (i: number, d: number): number => {
    if (d === 0) return x >= knots[i]! && x < knots[i + 1]! ? 1 : 0;
    const left = ((x - knots[i]!) / (knots[i + d]! - knots[i]!)) * rec(i, d - 1);
    const right =
      ((knots[i + d + 1]! - x) / (knots[i + d + 1]! - knots[i + 1]!)) * rec(i + 1, d - 1);
    return left + right;
  };
  return rec(0, o);
}

type Ext = "mirror" | "reflect" | "clamp";

/** Index i of the infinite extension of a line of length n, as an index into the line. */
function extend(i: number, n: number, ext: Ext): number {
  if (n === 1) return 0;
  if (ext === "clamp") return Math.min(Math.max(i, 0), n - 1);
  // Fold by repeated reflection, the definition of the two symmetric extensions.
  while (i < 0 || i >= n) {
    if (i < 0) i = ext === "mirror" ? -i : -i - 1;
    if (i >= n) i = ext === "mirror" ? 2 * (n - 1) - i : 2 * n - 1 - i;
  }
  return i;
}

/** Solves B c = f, with B[i][k] = Σ_j β(i − j) over the extension's j that map to k (Gauss–Jordan). */
function coefficients(f: number[], o: number, ext: Ext): number[] {
  const n = f.length;
  if (n === 1) return [...f];
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i - o; j <= i + o; j++) a[i]![extend(j, n, ext)]! += beta(i - j, o);
    a[i]![n] = f[i]!;
  }
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const m = a[r]![col]! / a[col]![col]!;
      for (let k = col; k <= n; k++) a[r]![k]! -= m * a[col]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/** scipy's coordinate handling, independent of the code under test. */
function place(
  u: number,
  n: number,
  mode: FillMode,
): { cc: number; size: number; ext: Ext } | null {
  if (mode === "nearest") return { cc: u + 12, size: n + 24, ext: "clamp" };
  if (mode === "constant") return u < 0 || u > n - 1 ? null : { cc: u, size: n, ext: "mirror" };
  if (mode === "reflect") {
    // Half-sample symmetric fold of a real coordinate.
    let v = u;
    while (v < -0.5 || v > n - 0.5) v = v < -0.5 ? -1 - v : 2 * n - 1 - v;
    return { cc: v, size: n, ext: "reflect" };
  }
  // scipy's "wrap": period n − 1 once outside [0, n − 1].
  const p = n - 1;
  let v = u;
  while (v < 0) v += p;
  while (v > n - 1) v -= p;
  return { cc: v, size: n, ext: "mirror" };
}

function reference(
  img: number[][],
  map: SamplingMap,
  mode: FillMode,
  o: number,
  cval: number,
): number[] {
  const rows = img.length;
  const cols = img[0]!.length;
  // Pad for "nearest" (edge values), then solve along rows and along columns.
  const pad = mode === "nearest" ? 12 : 0;
  const ext: Ext = mode === "nearest" || mode === "reflect" ? "reflect" : "mirror";
  const pr = rows + 2 * pad;
  const pcl = cols + 2 * pad;
  let grid = Array.from({ length: pr }, (_, r) =>
    Array.from(
      { length: pcl },
      (_, c) => img[extend(r - pad, rows, "clamp")]![extend(c - pad, cols, "clamp")]!,
    ),
  );
  grid = grid.map((row) => coefficients(row, o, ext));
  for (let c = 0; c < pcl; c++) {
    const col = coefficients(
      grid.map((row) => row[c]!),
      o,
      ext,
    );
    col.forEach((v, r) => (grid[r]![c] = v));
  }
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = place(map.rr * r + map.rc * c + map.r0, rows, mode);
      const b = place(map.cr * r + map.cc * c + map.c0, cols, mode);
      if (a === null || b === null) {
        out.push(cval);
        continue;
      }
      let v = 0;
      for (let i = Math.floor(a.cc) - 3; i <= Math.floor(a.cc) + 3; i++) {
        const wi = beta(a.cc - i, o);
        if (wi === 0) continue;
        for (let j = Math.floor(b.cc) - 3; j <= Math.floor(b.cc) + 3; j++) {
          const wj = beta(b.cc - j, o);
          if (wj !== 0) v += wi * wj * grid[extend(i, a.size, a.ext)]![extend(j, b.size, b.ext)]!;
        }
      }
      out.push(v);
    }
  }
  return out;
}
