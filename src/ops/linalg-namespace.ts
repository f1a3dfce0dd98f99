/** `ops.linalg`: keras.ops.linalg's names (also exported flat from `ops`, as keras.ops has them). */
export {
  cholesky,
  choleskyInverse,
  det,
  eig,
  eigh,
  inv,
  lstsq,
  luFactor,
  matrixPower,
  matrixRank,
  norm,
  pinv,
  qr,
  solve,
  solveTriangular,
  svd,
} from "./linalg-decomp.js";
export { jvp } from "./jvp.js";
