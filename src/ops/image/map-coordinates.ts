/**
 * `ops.image.mapCoordinates`: Keras's `keras.ops.image.map_coordinates` (JAX's
 * `map_coordinates` with order 0 or 1). `coordinates[k, …]` is the position along input axis k
 * of each output point; the taps (nearest, or the 2^rank linear neighbours) and the fill mode are
 * resolved on the host (sample-points.ts) and the values gathered with one `take`, so the result
 * is differentiable in `inputs` (not in the coordinates). Integer inputs are rounded back.
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import { sizeOf, stridesOf } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { abs, add, cast, floor, multiply, sign } from "../elementwise.js";
import { take } from "../gather.js";
import { reshape } from "../movement.js";
import { sum } from "../reduce.js";
import { checkImageDtype } from "./image-args.js";
import { FILL_MODES, type FillMode, axisTaps, fixIndex } from "./sample-points.js";

const WHERE = "ops.image.mapCoordinates";

/**
 * Samples `inputs` at `coordinates` (shape [inputs.rank, …out]) with `order` 0 (nearest) or 1
 * (linear); points outside read according to `fillMode` ("constant" reads `fillValue`).
 */
export function mapCoordinates(
  inputs: TensorLike,
  coordinates: TensorLike,
  order: 0 | 1,
  fillMode: FillMode = "constant",
  fillValue = 0,
): Tensor {
  const x = asTensor(inputs);
  const c = Array.isArray(coordinates)
    ? tensor(coordinates as number[], undefined, "float64")
    : asTensor(coordinates);
  checkImageDtype(x.dtype, WHERE);
  if (c.rank < 2 || c.shape[0] !== x.rank) {
    throw new ShapeError(
      `${WHERE}: coordinates must have rank >= 2 with a first axis of inputs.rank (${x.rank}); ` +
        `received coordinates of shape ${fmtShape(c.shape)}`,
    );
  }
  if (order !== 0 && order !== 1) {
    throw new ValueError(`${WHERE}: order must be 0 or 1; received ${String(order)}`);
  }
  if (!FILL_MODES.includes(fillMode)) {
    throw new ValueError(
      `${WHERE}: fillMode must be one of ${FILL_MODES.join(", ")}; received ${String(fillMode)}`,
    );
  }
  const outShape = c.shape.slice(1);
  const n = sizeOf(outShape);
  const coords = c.dataSync() as ArrayLike<number>;
  const strides = stridesOf(x.shape);
  const interpolation = order === 0 ? "nearest" : "bilinear";
  const taps = order === 0 ? 1 : 2 ** x.rank;
  const index = new Int32Array(taps * n);
  const weight = new Float64Array(taps * n);
  const fillWeight = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    // every combination of one tap per axis: flat index and product of weights
    let combos: [number, number][] = [[0, 1]];
    for (let k = 0; k < x.rank; k++) {
      const size = x.shape[k]!;
      const next: [number, number][] = [];
      for (const [i, w] of axisTaps(coords[k * n + p]!, interpolation)) {
        const f = fixIndex(i, size, fillMode);
        for (const [flat, cw] of combos)
          next.push([f < 0 || flat < 0 ? -1 : flat + f * strides[k]!, cw * w]);
      }
      combos = next;
    }
    combos.forEach(([flat, w], t) => {
      if (flat < 0) fillWeight[p]! += w;
      else {
        index[t * n + p] = flat;
        weight[t * n + p] = w;
      }
    });
  }
  const fdt = isFloat(x.dtype) ? x.dtype : "float32";
  const flat = reshape(isFloat(x.dtype) ? x : cast(x, fdt), [x.size]);
  const gathered = reshape(take(flat, tensor(index, [taps * n], "int32")), [taps, n]);
  let out = sum(multiply(gathered, tensor(weight, [taps, n], fdt)), 0);
  if (fillValue !== 0 && fillWeight.some((w) => w !== 0)) {
    out = add(
      out,
      tensor(
        fillWeight.map((w) => w * fillValue),
        [n],
        fdt,
      ),
    );
  }
  out = reshape(out, outShape);
  if (!isFloat(x.dtype)) out = cast(multiply(sign(out), floor(add(abs(out), 0.5))), x.dtype);
  return out;
}
