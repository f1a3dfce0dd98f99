/**
 * ImageDataGenerator's ZCA whitening matrix, as Keras's `fit` makes it: with X the n samples
 * flattened to rows of d = rows·cols·channels values (already feature-wise centred) and
 * U S Vᵀ = svd(Xᵀ) with min(n, d) components,
 *
 *   W = U · diag(√n / (S + ε)) · Uᵀ     (d × d; `standardize` maps a flattened image x to x W).
 *
 * The singular vectors come from a symmetric eigen-decomposition in float64 (symmetric-eigen.ts),
 * of whichever Gram matrix is smaller: XᵀX (d × d, eigenvalues S²) when d ≤ n; otherwise XXᵀ
 * (n × n), whose eigenvectors v give u = Xᵀv / s. The products are float64 matmuls on the backend.
 *
 * Keras computes the SVD in float32; here it is float64. Where the sample is rank-deficient with
 * n < d (centred data always is: rank ≤ n − 1), the singular vectors of the zero singular values
 * are arbitrary in an SVD (NumPy returns whatever LAPACK leaves there, scaled by √n / ε); we leave
 * them out, so W acts as √n / ε only on directions the sample has no variance in when d ≤ n, where
 * that projector is well defined.
 */
import { ValueError } from "../../errors.js";
import { cast, multiply } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { reshape, transpose } from "../../ops/movement.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { symmetricEigen } from "./symmetric-eigen.js";

/** W (float32, d × d) for the centred sample `x` of rank 4. */
export function zcaWhiteningMatrix(x: Tensor, epsilon: number): Tensor {
  const n = x.shape[0]!;
  const d = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (n === 0 || d === 0) {
    throw new ValueError(
      `ImageDataGenerator.fit: zcaWhitening needs a non-empty sample; received shape [${x.shape.join(", ")}]`,
    );
  }
  const flat = reshape(cast(x, "float64"), [n, d]);
  const rootN = Math.sqrt(n);
  let u: Tensor; // d × k, the kept left singular vectors as columns
  let scale: Float64Array; // √n / (s + ε) per kept column
  if (d <= n) {
    const gram = matmul(transpose(flat, [1, 0]), flat).dataSync();
    const { values, vectors } = symmetricEigen(gram, d);
    u = transpose(tensor(vectors, [d, d]), [1, 0]);
    scale = Float64Array.from(values, (l) => rootN / (Math.sqrt(Math.max(l, 0)) + epsilon));
  } else {
    const gram = matmul(flat, transpose(flat, [1, 0])).dataSync();
    const { values, vectors } = symmetricEigen(gram, n);
    const sMax = Math.sqrt(Math.max(values[0]!, 0));
    const tol = sMax * Math.max(n, d) * 2 ** -52;
    const kept: number[] = [];
    values.forEach((l, i) => {
      if (Math.sqrt(Math.max(l, 0)) > tol) kept.push(i);
    });
    const k = kept.length;
    // Columns v_i / s_i, so that Xᵀ times them gives the unit vectors u_i.
    const vs = new Float64Array(n * k);
    kept.forEach((i, col) => {
      const s = Math.sqrt(values[i]!);
      for (let r = 0; r < n; r++) vs[r * k + col] = vectors[i * n + r]! / s;
    });
    u = matmul(transpose(flat, [1, 0]), tensor(vs, [n, k]));
    scale = Float64Array.from(kept, (i) => rootN / (Math.sqrt(values[i]!) + epsilon));
  }
  const k = scale.length;
  if (k === 0) return tensor(new Float32Array(d * d), [d, d]); // no variance at all
  const w = matmul(multiply(u, tensor(scale, [1, k])), transpose(u, [1, 0]));
  return cast(w, "float32");
}
