import { needsGrad, record, recordAll } from "../autodiff/tape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Activation, activation as getActivation } from "./activations.js";
import { type TensorLike, kernels, unfilled } from "./core.js";
import { add, cast, greater, relu as reluOp, where } from "./elementwise.js";
import { broadcastTo } from "./movement.js";
import { sum } from "./reduce.js";

/*
 * A layer's bias and activation after its product (Dense after its matmul), and their gradient.
 * Its definition is the composite activation(z + bias); for relu or none, a backend with the
 * optional biasRelu / biasReluBackprop kernels does it in one pass each way, with exactly the
 * composite's values (the same roundings; relu as the unary op's: v ≤ 0 → +0, NaN kept).
 */

const RELU = getActivation("relu");
const LINEAR = getActivation("linear");

/**
 * activation(z + bias) along the last axis (bias null: none), in one pass where the backend can
 * (relu or linear with a bias); Dense's output.
 */
export function biasActivation(z: Tensor, bias: TensorLike | null, activation: Activation): Tensor {
  const relu = activation === RELU;
  if (relu || (bias !== null && activation === LINEAR)) return biasRelu(z, bias, relu);
  return activation(bias === null ? z : add(z, bias));
}

/**
 * relu?(z + bias) along the last axis: bias has one value per last-axis entry (null for none).
 * Gradient: dz = dy · [y > 0] under relu (else dy), dbias = Σ dz over every axis but the last.
 */
export function biasRelu(z: Tensor, bias: TensorLike | null, relu: boolean): Tensor {
  const n = z.shape[z.rank - 1] ?? 1;
  const b = bias === null ? null : cast(bias, z.dtype);
  if (b !== null && (b.rank !== 1 || b.size !== n)) {
    throw new ShapeError(
      `biasRelu: bias must have shape (${n}) for input ${fmtShape(z.shape)}; ` +
        `received bias shape ${fmtShape(b.shape)}`,
    );
  }
  const k = kernels();
  if (!k.biasRelu || !isFloat(z.dtype)) {
    const zb = b === null ? z : add(z, b);
    return relu ? reluOp(zb) : zb;
  }
  const y = unfilled(z.shape, z.dtype);
  const rows = n === 0 ? 0 : z.size / n;
  k.biasRelu(z.storage, b?.storage ?? null, y.storage, rows, n, relu);
  const rowAxes = z.shape.slice(0, -1).map((_, i) => i);
  return record(y, b ? [z, b] : [z], (dy) => {
    const wantBias = b !== null && needsGrad(b);
    const [dz, db] = relu ? reluGrad(dy, y, wantBias) : [dy, wantBias ? sum(dy, rowAxes) : null];
    return b ? [dz, db] : [dz];
  });
}

/**
 * Through relu(z + bias), given y = its output: dz = dy · [y > 0] (y > 0 exactly where z + bias
 * is) and, when `withBias`, db = Σ dz over every axis but the last — one kernel pass. Both are
 * linear in dy, so their gradient is this again: d/d dy = (g_dz + g_db) · [y > 0].
 */
export function reluGrad(dy: Tensor, y: Tensor, withBias: boolean): [Tensor, Tensor | null] {
  const g = cast(dy, y.dtype);
  const n = y.shape[y.rank - 1]!;
  const k = kernels();
  if (!k.biasReluBackprop) {
    // dz = dy · [y > 0]; db = Σ dz over the rows (recorded op by op).
    const dz = where(greater(y, 0), g, 0);
    return [
      dz,
      withBias
        ? sum(
            dz,
            y.shape.slice(0, -1).map((_, i) => i),
          )
        : null,
    ];
  }
  const dz = unfilled(y.shape, y.dtype);
  const db = withBias ? unfilled([n], y.dtype) : null;
  k.biasReluBackprop(
    g.storage,
    y.storage,
    dz.storage,
    db?.storage ?? null,
    n === 0 ? 0 : y.size / n,
    n,
  );
  recordAll(db ? [dz, db] : [dz], [g], ([gz, gb]) => {
    const total = gz && gb ? add(gz, gb) : (gz ?? broadcastTo(gb!, y.shape));
    return [reluGrad(total, y, false)[0]];
  });
  return [dz, db];
}
