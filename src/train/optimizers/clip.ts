/** Gradient clipping as Keras's optimizers do it (`clipnorm`, `global_clipnorm`, `clipvalue`). */
import { clip, multiply, square } from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";

function squaredNorm(g: Tensor): number {
  return Number(sum(square(g)).item());
}

/** Rescales `g` so its L2 norm is at most `clipnorm`: g · clipnorm / max(‖g‖, clipnorm). */
export function clipByNorm(g: Tensor, clipnorm: number): Tensor {
  const norm = Math.sqrt(squaredNorm(g));
  // One scalar factor: a NaN/inf norm makes it NaN, so a broken gradient stays visibly broken.
  const scale = clipnorm / Math.max(norm, clipnorm);
  return scale === 1 ? g : multiply(g, scale);
}

/**
 * Rescales all gradients by one factor so that their joint L2 norm is at most `clipnorm`:
 * scale = clipnorm · min(1/‖g‖, 1/clipnorm); a non-finite global norm makes every gradient NaN.
 */
export function clipByGlobalNorm(grads: readonly Tensor[], clipnorm: number): Tensor[] {
  let total = 0;
  for (const g of grads) total += squaredNorm(g);
  const norm = Math.sqrt(total);
  const scale = Number.isFinite(norm) ? clipnorm * Math.min(1 / norm, 1 / clipnorm) : NaN;
  return scale === 1 ? [...grads] : grads.map((g) => multiply(g, scale));
}

/** Clips every element to [-clipvalue, clipvalue]. */
export function clipByValue(g: Tensor, clipvalue: number): Tensor {
  return clip(g, -clipvalue, clipvalue);
}

/** One step's clipping: `clipnorm` per tensor, else `globalClipnorm`, else `clipvalue`, else none. */
export function clipGradients(
  grads: Tensor[],
  opts: { clipnorm: number | null; globalClipnorm: number | null; clipvalue: number | null },
): Tensor[] {
  if (opts.clipnorm) return grads.map((g) => clipByNorm(g, opts.clipnorm!));
  if (opts.globalClipnorm) return clipByGlobalNorm(grads, opts.globalClipnorm);
  if (opts.clipvalue) return grads.map((g) => clipByValue(g, opts.clipvalue!));
  return grads;
}
