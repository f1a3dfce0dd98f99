/**
 * The window functions that Keras's STFT initializer and STFTSpectrogram look up by name through
 * `scipy.signal.get_window(name, length, fftbins=periodic)`: the names scipy gives the cosine-sum
 * and triangular windows, computed in float64. A periodic window is the symmetric window one
 * sample longer with its last sample dropped (scipy's `fftbins=True`).
 */
import { ValueError } from "../errors.js";

type WindowShape = (n: number, m: number) => number;

const cosineSum =
  (a: readonly number[]): WindowShape =>
  (n, m) =>
    a.reduce(
      (s, c, k) => s + (k % 2 === 0 ? c : -c) * Math.cos((2 * Math.PI * k * n) / (m - 1)),
      0,
    );

const SHAPES: Record<string, WindowShape> = {
  hann: cosineSum([0.5, 0.5]),
  hamming: cosineSum([0.54, 0.46]),
  blackman: cosineSum([0.42, 0.5, 0.08]),
  // scipy's bartlett: 2n/(M−1) rising, 2 − 2n/(M−1) falling (zero at both ends)
  bartlett: (n, m) => 1 - Math.abs((2 * n) / (m - 1) - 1),
  boxcar: () => 1,
};

/** scipy's aliases for these windows. */
const ALIASES: Record<string, string> = {
  hann: "hann",
  han: "hann",
  hamming: "hamming",
  hamm: "hamming",
  ham: "hamming",
  blackman: "blackman",
  black: "blackman",
  blk: "blackman",
  bartlett: "bartlett",
  bart: "bartlett",
  brt: "bartlett",
  boxcar: "boxcar",
  box: "boxcar",
  ones: "boxcar",
  rect: "boxcar",
  rectangular: "boxcar",
};

/** Throws unless `name` is a window this module computes (Keras checks names at construction). */
export function checkWindowName(name: string, where: string): void {
  if (!(name in ALIASES)) {
    throw new ValueError(
      `${where}: unknown window ${JSON.stringify(name)}; expected one of ` +
        `${Object.keys(ALIASES).join(", ")}, or an array of window values`,
    );
  }
}

/** The named window of `length` samples, symmetric or periodic, as scipy's get_window. */
export function namedWindow(
  name: string,
  length: number,
  periodic: boolean,
  where: string,
): number[] {
  checkWindowName(name, where);
  const shape = SHAPES[ALIASES[name]!]!;
  if (length === 1) return [1];
  const m = periodic ? length + 1 : length;
  return Array.from({ length }, (_, n) => shape(n, m));
}
