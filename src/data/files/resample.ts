/**
 * Changing an audio clip's sampling rate for `audioDatasetFromDirectory`'s `samplingRate`, by the
 * Fourier method of `scipy.signal.resample` that Keras's SciPy loader (`format="grain"`) uses.
 * (Keras's TensorFlow loader calls tensorflow-io's libsoxr resampler instead, a filter design of
 * its own that is not reproduced here.)
 *
 * A clip of n frames becomes num = round(n · rateOut / rateIn) frames (at least 1), each channel
 * on its own: X = rfft(x); keep bins 0 … m/2 with m = min(n, num); when m is even and the length
 * changes, the unpaired bin m/2 is doubled (shrinking: it stands for the pair ±m/2 of the new
 * length) or halved (growing: it is split into that pair); then x' = irfft(X · num / n, num),
 * where irfft ignores the imaginary parts of bin 0 and of a Nyquist bin num/2.
 *
 * The transforms are float64 FFTs of any length: iterative radix-2 for powers of two, and
 * Bluestein's chirp-z for the rest (a length-n DFT as a convolution done with radix-2 FFTs).
 */

/** cos and sin of 2πk/n for k < n/2, per power-of-two n: every stage of an FFT reads them. */
const twiddleTables = new Map<number, { cos: Float64Array; sin: Float64Array }>();
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleTables.get(n);
  if (!t) {
    const half = n >> 1;
    t = { cos: new Float64Array(half), sin: new Float64Array(half) };
    for (let k = 0; k < half; k++) {
      t.cos[k] = Math.cos((2 * Math.PI * k) / n);
      t.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    twiddleTables.set(n, t);
  }
  return t;
}

/** In-place radix-2 FFT of (re, im), whose length is a power of two; `sign` −1 forward, +1 inverse. */
function fftPow2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i]!;
      re[i] = re[j]!;
      re[j] = r;
      const m = im[i]!;
      im[i] = im[j]!;
      im[j] = m;
    }
  }
  const { cos, sin } = twiddles(n);
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len; // e^{sign·2πi·k/len} is table entry k·step
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step]!;
      const wi = sign * sin[k * step]!;
      for (let s = 0; s < n; s += len) {
        const a = s + k;
        const b = a + half;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** What Bluestein's method needs for one length and direction, kept: clips often share lengths. */
interface ChirpPlan {
  size: number;
  wr: Float64Array;
  wi: Float64Array;
  /** The FFT of conj(w) at lags −(n−1) … n−1, wrapped around a buffer of `size`. */
  br: Float64Array;
  bi: Float64Array;
}
const chirpPlans = new Map<string, ChirpPlan>();
const MAX_PLANS = 16;

function chirpPlan(n: number, sign: 1 | -1): ChirpPlan {
  const key = `${n}:${sign}`;
  const cached = chirpPlans.get(key);
  if (cached) return cached;
  let size = 1;
  while (size < 2 * n - 1) size <<= 1;
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // j² mod 2n keeps the angle small, so cos/sin stay exact for long signals.
    const angle = (sign * Math.PI * ((j * j) % (2 * n))) / n;
    wr[j] = Math.cos(angle);
    wi[j] = Math.sin(angle);
  }
  const br = new Float64Array(size);
  const bi = new Float64Array(size);
  br[0] = wr[0]!;
  bi[0] = -wi[0]!;
  for (let j = 1; j < n; j++) {
    br[j] = br[size - j] = wr[j]!;
    bi[j] = bi[size - j] = -wi[j]!;
  }
  fftPow2(br, bi, -1);
  const plan = { size, wr, wi, br, bi };
  if (chirpPlans.size >= MAX_PLANS) chirpPlans.clear();
  chirpPlans.set(key, plan);
  return plan;
}

/**
 * The unnormalised DFT Σ x[t]·e^{sign·2πi·kt/n} of any length, in place. Bluestein: with
 * kt = (k² + t² − (k−t)²)/2, X[k] = w[k]·Σ (x[t]·w[t])·conj(w[k−t]) for the chirp
 * w[j] = e^{sign·πi·j²/n}, a convolution computed with power-of-two FFTs.
 */
export function dft(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
  const n = re.length;
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) {
    fftPow2(re, im, sign);
    return;
  }
  const { size, wr, wi, br, bi } = chirpPlan(n, sign);
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  for (let t = 0; t < n; t++) {
    ar[t] = re[t]! * wr[t]! - im[t]! * wi[t]!;
    ai[t] = re[t]! * wi[t]! + im[t]! * wr[t]!;
  }
  fftPow2(ar, ai, -1);
  for (let k = 0; k < size; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
  }
  fftPow2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const cr = ar[k]! / size;
    const ci = ai[k]! / size;
    re[k] = cr * wr[k]! - ci * wi[k]!;
    im[k] = cr * wi[k]! + ci * wr[k]!;
  }
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The frames a clip of `frames` has at `rateOut` (scipy's num, as Keras computes it). */
export function resampledLength(frames: number, rateIn: number, rateOut: number): number {
  return Math.max(1, roundHalfEven((frames * rateOut) / rateIn));
}

/** One channel of n samples → num samples (scipy.signal.resample on a real signal). */
function resampleChannel(x: Float64Array, num: number): Float64Array {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  dft(re, im, -1);
  const m = Math.min(n, num);
  const kept = Math.floor(m / 2) + 1;
  const scale = num / n;
  // The new length's full Hermitian spectrum from the kept one-sided bins.
  const zr = new Float64Array(num);
  const zi = new Float64Array(num);
  for (let k = 0; k < kept; k++) {
    let factor = scale;
    if (m % 2 === 0 && num !== n && k === m / 2) factor *= num < n ? 2 : 0.5;
    const r = re[k]! * factor;
    const i = im[k]! * factor;
    if (k === 0) {
      zr[0] = r; // irfft reads only the real part of bin 0
    } else if (2 * k === num) {
      zr[k] = r; // … and of the Nyquist bin
    } else if (2 * k < num) {
      zr[k] = r;
      zi[k] = i;
      zr[num - k] = r;
      zi[num - k] = -i;
    }
  }
  dft(zr, zi, 1);
  for (let t = 0; t < num; t++) zr[t] = zr[t]! / num;
  return zr;
}

/**
 * Interleaved samples [frames, channels] at `rateIn` → the same clip at `rateOut`, float32.
 * An empty clip stays empty (Keras resamples only clips with frames).
 */
export function resampleAudio(
  samples: Float32Array,
  channels: number,
  rateIn: number,
  rateOut: number,
): { samples: Float32Array; frames: number } {
  const frames = samples.length / channels;
  if (frames === 0 || rateIn === rateOut) return { samples, frames };
  const num = resampledLength(frames, rateIn, rateOut);
  const out = new Float32Array(num * channels);
  const column = new Float64Array(frames);
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < frames; t++) column[t] = samples[t * channels + c]!;
    const y = resampleChannel(column, num);
    for (let t = 0; t < num; t++) out[t * channels + c] = y[t]!;
  }
  return { samples: out, frames: num };
}
