/**
 * Where a resampling op reads: for real sample coordinates, the pixels each one touches and with
 * what weights, after the fill mode has mapped positions outside the image back into it (the
 * conventions of `jax.scipy.ndimage.map_coordinates`, which Keras's image ops use on JAX).
 * Computed on the host; the op then gathers the pixels and weights them with tensor ops.
 */
import { ValueError } from "../../errors.js";

export type FillMode = "constant" | "nearest" | "wrap" | "mirror" | "reflect";

export const FILL_MODES: readonly FillMode[] = ["constant", "nearest", "wrap", "mirror", "reflect"];

export type SampleInterpolation = "nearest" | "bilinear";

/** Checks the interpolation ("nearest" | "bilinear") and fill mode of a resampling op. */
export function checkSampling(interpolation: unknown, mode: unknown, where: string): void {
  if (interpolation !== "bilinear" && interpolation !== "nearest") {
    throw new ValueError(
      `${where}: interpolation must be "nearest" or "bilinear"; received ${String(interpolation)}`,
    );
  }
  if (!FILL_MODES.includes(mode as FillMode)) {
    throw new ValueError(
      `${where}: fillMode must be one of ${FILL_MODES.join(", ")}; received ${String(mode)}`,
    );
  }
}

/** The whole-sample mirror (d c b | a b c d | c b a): a triangle wave of period 2(n − 1). */
function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const s = n - 1;
  return Math.abs(((((i + s) % (2 * s)) + 2 * s) % (2 * s)) - s);
}

/** An index mapped into [0, n) by the fill mode, or −1 where "constant" reads the fill value. */
export function fixIndex(i: number, n: number, mode: FillMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "wrap":
      return ((i % n) + n) % n;
    case "mirror":
      return mirrorIndex(i, n);
    case "reflect":
      // the half-sample mirror (d c b a | a b c d | d c b a), as JAX: fold 2i + 1 on 2n + 1
      return Math.floor((mirrorIndex(2 * i + 1, 2 * n + 1) - 1) / 2);
  }
}

/** JAX rounds "nearest" samples half away from zero. */
function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
}

/** The taps along one axis at coordinate v: [index, weight] pairs before the fill mode. */
export function axisTaps(v: number, interpolation: SampleInterpolation): [number, number][] {
  if (interpolation === "nearest") return [[roundHalfAway(v), 1]];
  const lo = Math.floor(v);
  const t = v - lo;
  return [
    [lo, 1 - t],
    [lo + 1, t],
  ];
}
