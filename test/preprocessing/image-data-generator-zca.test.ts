// ZCA whitening in ImageDataGenerator (zcaWhitening, zcaEpsilon): fit's matrix against Keras's
// formula evaluated with NumPy in float64 (x centred per channel, U, S = svd(flat.T), W =
// U·diag(√n / (S + ε))·Uᵀ; the values below were printed by that script), for a sample with fewer
// values per image than images (d ≤ n, through XᵀX) and one with more (d > n, through XXᵀ);
// standardize and flow applying it; and the float64 symmetric eigen-solver it rests on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { symmetricEigen } from "../../src/preprocessing/image/symmetric-eigen.js";

const { ImageDataGenerator } = st.preprocessing.image;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `[${i}]: ${a} vs ${e}`);
  }
}

// Ten 2×2 grayscale images (d = 4 ≤ n = 10).
const XA = [
  0, 15, 4, 10, 6.5, 6, 9, 5.5, 2, 16, 4.5, 1, 7, 7, 11, 6, 2.5, 20, 5, 1.5, 9, 8, 0.5, 8, 3, 21, 7,
  2, 9.5, 12, 1, 8.5, 5, 0, 7.5, 4, 10, 13, 3, 9,
];
const WA = [
  0.36614032877098895, 0.07156700500071679, 0.046269228147928006, -0.06767384811131784,
  0.07156700500071679, 0.1697684266857219, 0.08018272531152372, 0.053506828346398444,
  0.046269228147928, 0.08018272531152372, 0.3405772966957313, 0.06358069038834144,
  -0.06767384811131784, 0.05350682834639846, 0.06358069038834147, 0.36651054701085256,
];
const WHITE_A0 = [-2.3374792740915296, 0.7724628752685773, -0.5200452377222698, 1.8053620806975172];

// Five 2×2 two-channel images (d = 8 > n = 5).
const XB = [
  10, 3, 8, 0, 19, 10, 11, 9, 10, 6, 0, 12, 7, 14, 17, 2, 2, 1, 19, 5, 8, 14, 1, 10, 7, 11, 1, 15,
  16, 5, 17, 14, 0, 0, 9, 18, 5, 7, 5, 14,
];
const WB = [
  0.10346074345876093, -0.05346752127354528, -0.07159020397171029, -0.05811665885989082,
  -0.03688015833395348, -0.10930757564390525, -0.04905038242999027, -0.03655145950904981,
  -0.05346752127354528, 0.24048106804483618, 0.11095310222015875, 0.042327959204715965,
  0.024585558497753787, 0.10107497754354053, 0.06547406793217436, 0.02779455603674289,
  -0.07159020397171029, 0.11095310222015875, 0.1195204214617205, 0.007134427795207818,
  0.027463709718995487, 0.10188678580106449, 0.015654167679714837, 0.026055481628853076,
  -0.05811665885989083, 0.04232795920471597, 0.00713442779520782, 0.0888284627841112,
  -0.022286949576235164, 0.03454039840687959, 0.03226250160185045, 0.02228312394941705,
  -0.03688015833395348, 0.02458555849775379, 0.02746370971899549, -0.022286949576235168,
  0.11314629114303544, 0.03284383391709799, 0.04786525805521365, 0.05062272858727173,
  -0.10930757564390525, 0.10107497754354051, 0.10188678580106449, 0.03454039840687959,
  0.032843833917097984, 0.23449984530925264, 0.1048751985830882, -0.03289465421405747,
  -0.04905038242999027, 0.06547406793217436, 0.015654167679714826, 0.03226250160185045,
  0.04786525805521365, 0.1048751985830882, 0.09090572877435342, -0.004245219209152684,
  -0.03655145950904981, 0.02779455603674289, 0.026055481628853076, 0.022283123949417054,
  0.05062272858727174, -0.03289465421405746, -0.00424521920915268, 0.07349740361303558,
];
const WHITE_B1 = [
  -0.025840846137028806, -0.5962129824874107, -0.9019444041208388, 0.41415633863411183,
  -0.354660892450393, 1.1709129221974526, 1.0373684342112113, -1.0420545703482684,
];

describe("ImageDataGenerator zcaWhitening", () => {
  it("fit computes Keras's ZCA matrix when images have fewer values than there are images", (t) => {
    t.mock.method(console, "warn", () => {});
    const g = new ImageDataGenerator({ zcaWhitening: true });
    g.fit(st.tensor(XA, [10, 2, 2, 1]));
    assert.deepEqual(g.zcaWhiteningMatrix!.shape, [4, 4]);
    assertClose(g.zcaWhiteningMatrix!.dataSync(), WA, 1e-5);
    assertClose(g.mean!.dataSync(), [7.0125], 1e-6);
    // standardize: centre, then flatten and multiply by W.
    const white = g.standardize(st.tensor(XA.slice(0, 4), [2, 2, 1]));
    assert.deepEqual(white.shape, [2, 2, 1]);
    assertClose(white.dataSync(), WHITE_A0, 1e-5);
  });

  it("fit computes it through the smaller Gram matrix when images have more values", (t) => {
    t.mock.method(console, "warn", () => {});
    const g = new ImageDataGenerator({ zcaWhitening: true, zcaEpsilon: 1e-6 });
    g.fit(st.tensor(XB, [5, 2, 2, 2]));
    assertClose(g.zcaWhiteningMatrix!.dataSync(), WB, 1e-5);
    // The second image, whitened, as NumPy's (x − mean) @ W.
    const white = g.standardize(st.tensor(XB, [5, 2, 2, 2]));
    assertClose(white.dataSync().slice(8, 16), WHITE_B1, 1e-5);
  });

  it("turns on featurewise centring and off std normalization, with Keras's warnings", (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const g = new ImageDataGenerator({ zcaWhitening: true, featurewiseStdNormalization: true });
    assert.equal(g.featurewiseCenter, true);
    assert.equal(g.featurewiseStdNormalization, false);
    assert.equal(g.zcaEpsilon, 1e-6);
    assert.equal(warn.mock.callCount(), 2);
    assert.match(String(warn.mock.calls[0]!.arguments[0]), /zcaWhitening.*featurewiseCenter/);
  });

  it("applies the matrix to every batch of flow, and warns before fit", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const g = new ImageDataGenerator({ zcaWhitening: true });
    const x = st.tensor(XA, [10, 2, 2, 1]);
    g.standardize(st.tensor(XA.slice(0, 4), [2, 2, 1]));
    assert.ok(
      warn.mock.calls.some((c) => /zcaWhitening.*hasn't been fit/.test(String(c.arguments[0]))),
    );
    g.fit(x);
    const it = g.flow(x, null, { batchSize: 10, shuffle: false });
    const batch = ((await it.next()).value as st.Tensor).dataSync();
    assertClose(batch.slice(0, 4), WHITE_A0, 1e-5);
    assert.throws(
      () => g.standardize(st.zeros([3, 3, 1])),
      (e: Error) =>
        e instanceof st.ValueError && /fit on images of 4 values.*\[3, 3, 1\]/.test(e.message),
    );
  });
});

describe("symmetricEigen", () => {
  /** A deterministic symmetric matrix with entries in [−1, 1]. */
  function symmetric(n: number, seed: number): Float64Array {
    const a = new Float64Array(n * n);
    let s = seed;
    const next = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return (s / 2147483648) * 2 - 1;
    };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next();
    }
    return a;
  }

  for (const n of [1, 2, 3, 7, 40]) {
    it(`decomposes a ${n}×${n} matrix: A v = λ v, orthonormal vectors, largest first`, () => {
      const a = symmetric(n, n + 11);
      const { values, vectors } = symmetricEigen(a, n);
      for (let k = 0; k < n; k++) {
        if (k > 0) assert.ok(values[k - 1]! >= values[k]!);
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[k * n + j]!;
          assert.ok(Math.abs(av - values[k]! * vectors[k * n + i]!) < 1e-12);
        }
        for (let l = 0; l < n; l++) {
          let dot = 0;
          for (let j = 0; j < n; j++) dot += vectors[k * n + j]! * vectors[l * n + j]!;
          assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12);
        }
      }
      // The trace is the sum of the eigenvalues.
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i]!;
      assert.ok(Math.abs(trace - values.reduce((p, v) => p + v, 0)) < 1e-12);
    });
  }

  it("handles repeated and zero eigenvalues (a projector of rank 2 in 4 dimensions)", () => {
    // P = u uᵀ + w wᵀ with u = (1, 1, 0, 0)/√2 and w = (0, 0, 1, 1)/√2: eigenvalues 1, 1, 0, 0.
    const p = [0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5];
    const { values } = symmetricEigen(p, 4);
    assertClose(values, [1, 1, 0, 0], 1e-14);
  });
});
