// The Bayesian oracle's Gaussian process against NumPy: the same Matern 5/2 regression written
// independently in the test (numpy.linalg), at the length scale ours chose, which must maximize
// the log marginal likelihood NumPy computes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { GaussianProcess, cholesky, matern52 } from "../../../src/tools/tuner/gaussian-process.js";
import { patternSearch } from "../../../src/tools/tuner/bayesian-oracle.js";

const numpy = spawnSync("python3", ["-c", "import numpy"]).status === 0;

const SCRIPT = `
import json, sys, numpy as np
d = json.loads(sys.stdin.read())
X, y, alpha, q = np.array(d["x"]), np.array(d["y"]), d["alpha"], np.array(d["query"])
mu, sd = y.mean(), y.std() or 1.0
yn = (y - mu) / sd
def kern(A, B, l):
    r = np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)) * np.sqrt(5) / l
    return (1 + r + r * r / 3) * np.exp(-r)
def lml(l):
    K = kern(X, X, l) + alpha * np.eye(len(X))
    L = np.linalg.cholesky(K)
    a = np.linalg.solve(K, yn)
    return -0.5 * yn @ a - np.log(np.diag(L)).sum() - len(X) / 2 * np.log(2 * np.pi)
l = d["length_scale"]
K = kern(X, X, l) + alpha * np.eye(len(X))
ks = kern(q, X, l)
mean = ks @ np.linalg.solve(K, yn) * sd + mu
var = 1 - np.einsum("ij,ji->i", ks, np.linalg.solve(K, ks.T))
print(json.dumps({"mean": mean.tolist(), "std": (np.sqrt(np.maximum(var, 0)) * sd).tolist(),
                  "lml": [lml(l / 1.05), lml(l), lml(l * 1.05)]}))`;

test("Cholesky factor and the Matern kernel by hand", () => {
  // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]
  const l = cholesky(new Float64Array([4, 2, 2, 3]), 2)!;
  assert.deepEqual(
    [...l].map((v) => +v.toFixed(12)),
    [2, 0, 1, +Math.SQRT2.toFixed(12)],
  );
  assert.equal(cholesky(new Float64Array([1, 2, 2, 1]), 2), null); // not positive definite
  assert.equal(matern52(0, 1), 1);
  const d = Math.sqrt(5); // r = ℓ = 1: (1 + √5 + 5/3) e^(−√5)
  assert.ok(Math.abs(matern52(1, 1) - (1 + d + 5 / 3) * Math.exp(-d)) < 1e-15);
});

test(
  "predictions equal NumPy's at the maximum-likelihood length scale",
  { skip: numpy ? false : "python3 with numpy is not available" },
  () => {
    const x = [
      [0.1, 0.2],
      [0.4, 0.9],
      [0.8, 0.3],
      [0.5, 0.5],
      [0.9, 0.95],
      [0.2, 0.7],
    ];
    const y = x.map(([a, b]) => Math.sin(4 * a!) + (b! - 0.5) ** 2);
    const gp = new GaussianProcess(1e-4);
    gp.fit(x, y);
    const query = [
      [0.3, 0.3],
      [0.1, 0.2],
      [0.7, 0.8],
    ];
    const input = JSON.stringify({ x, y, alpha: 1e-4, query, length_scale: gp.lengthScale });
    const run = spawnSync("python3", ["-c", SCRIPT], { input, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const ref = JSON.parse(run.stdout) as { mean: number[]; std: number[]; lml: number[] };
    query.forEach((q, i) => {
      const { mean, std } = gp.predict(q);
      assert.ok(Math.abs(mean - ref.mean[i]!) < 1e-8, `mean ${mean} vs ${ref.mean[i]}`);
      assert.ok(Math.abs(std - ref.std[i]!) < 1e-6, `std ${std} vs ${ref.std[i]}`);
    });
    const [below, at, above] = ref.lml as [number, number, number];
    assert.ok(at >= below && at >= above, `log likelihood ${below}, ${at}, ${above}`);
  },
);

test("the bounded pattern search finds a bowl's minimum inside [0, 1]² and on its edge", () => {
  const inside = patternSearch(([a, b]) => (a! - 0.3) ** 2 + (b! - 0.6) ** 2, [0.9, 0.1]);
  assert.ok(Math.abs(inside.point[0]! - 0.3) < 1e-3 && Math.abs(inside.point[1]! - 0.6) < 1e-3);
  const edge = patternSearch(([a, b]) => (a! - 1.5) ** 2 + b! ** 2, [0.2, 0.5]);
  assert.deepEqual(
    edge.point.map((v) => +v.toFixed(3)),
    [1, 0],
  );
});
