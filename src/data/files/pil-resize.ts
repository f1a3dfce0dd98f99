/**
 * Pillow's `Image.resize`, which Keras's `load_img(targetSize)` calls, for 8-bit images: the same
 * pixels as Pillow, so a model fed `loadImg` sees what it saw in Keras. (The datasets from a
 * directory resize with `ops.image.resize`, TF's semantics, as Keras does there.)
 *
 * - "nearest": an affine map, source = floor(box0 + (x + 0.5)·boxSize / outSize).
 * - The other filters: Pillow's separable convolution with the filter widened by the scale when
 *   shrinking (antialiasing). Per output pixel, centre = box0 + (x + 0.5)·scale, taps from
 *   round(centre - support) to round(centre + support), weights filter((i - centre + 0.5)/fs)
 *   normalised to sum 1, then in fixed point with 22 fractional bits, rounded half away from 0;
 *   sums start at 0.5 and are clipped to [0, 255]. Horizontal pass first (over the rows the
 *   vertical pass needs), then vertical, each only when its size or box changes.
 *
 * Pillow resizes images with alpha in premultiplied form; this does not (colours under
 * transparent pixels may differ).
 */
import type { RawImage } from "./bmp.js";

export type PilInterpolation = "nearest" | "bilinear" | "bicubic" | "hamming" | "box" | "lanczos";

const FILTERS: Record<Exclude<PilInterpolation, "nearest">, [number, (x: number) => number]> = {
  box: [0.5, (x) => (x > -0.5 && x <= 0.5 ? 1 : 0)],
  bilinear: [1, (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0)],
  hamming: [
    1,
    (x) => {
      if (x === 0) return 1;
      if (x <= -1 || x >= 1) return 0;
      const t = x * Math.PI;
      return (Math.sin(t) / t) * (0.54 + 0.46 * Math.cos(t));
    },
  ],
  // Keys' cubic with a = -0.5.
  bicubic: [
    2,
    (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  ],
  lanczos: [3, (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0)],
};

function sinc(x: number): number {
  if (x === 0) return 1;
  const t = x * Math.PI;
  return Math.sin(t) / t;
}

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow's precompute_coeffs: for each output index, its first tap, tap count, fixed weights. */
function coefficients(
  inSize: number,
  in0: number,
  in1: number,
  outSize: number,
  filter: [number, (x: number) => number],
): { first: Int32Array; count: Int32Array; weights: Int32Array[] } {
  const scale = (in1 - in0) / outSize;
  const fs = Math.max(scale, 1);
  const support = filter[0] * fs;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let x = 0; x < outSize; x++) {
    const center = in0 + (x + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const w = new Float64Array(Math.max(0, xmax));
    let sum = 0;
    for (let i = 0; i < xmax; i++) {
      w[i] = filter[1]((i + xmin - center + 0.5) / fs);
      sum += w[i]!;
    }
    const fixed = new Int32Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const k = (sum !== 0 ? w[i]! / sum : w[i]!) * 2 ** PRECISION_BITS;
      fixed[i] = k < 0 ? Math.trunc(k - 0.5) : Math.trunc(k + 0.5);
    }
    first[x] = xmin;
    count[x] = xmax;
    weights.push(fixed);
  }
  return { first, count, weights };
}

function clip8(acc: number): number {
  const v = Math.floor(acc / 2 ** PRECISION_BITS);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** `img.resize((outW, outH), filter, box)` as Pillow computes it; box is [x0, y0, x1, y1]. */
export function pilResize(
  img: RawImage,
  outW: number,
  outH: number,
  interpolation: PilInterpolation,
  box: readonly [number, number, number, number] = [0, 0, img.width, img.height],
): RawImage {
  const { width: w, height: h, channels: c, data } = img;
  if (interpolation === "nearest") {
    const out = new Uint8Array(outW * outH * c);
    const sx = (box[2] - box[0]) / outW;
    const sy = (box[3] - box[1]) / outH;
    for (let y = 0; y < outH; y++) {
      const yi = Math.min(h - 1, Math.floor(box[1] + (y + 0.5) * sy));
      for (let x = 0; x < outW; x++) {
        const xi = Math.min(w - 1, Math.floor(box[0] + (x + 0.5) * sx));
        const s = (yi * w + xi) * c;
        const o = (y * outW + x) * c;
        for (let k = 0; k < c; k++) out[o + k] = data[s + k]!;
      }
    }
    return { width: outW, height: outH, channels: c, data: out };
  }
  const filter = FILTERS[interpolation];
  const needH = outW !== w || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== h || box[1] !== 0 || box[3] !== outH;
  const vert = coefficients(h, box[1], box[3], outH, filter);
  let src = data;
  let srcW = w;
  let rowOffset = 0;
  let rows = h;
  if (needH) {
    const horiz = coefficients(w, box[0], box[2], outW, filter);
    // Only the rows the vertical pass reads.
    const yFirst = vert.first[0]!;
    const yLast = vert.first[outH - 1]! + vert.count[outH - 1]!;
    rows = needV ? yLast - yFirst : h;
    rowOffset = needV ? yFirst : 0;
    const tmp = new Uint8Array(outW * rows * c);
    for (let y = 0; y < rows; y++) {
      const base = (y + rowOffset) * w;
      for (let x = 0; x < outW; x++) {
        const f = horiz.first[x]!;
        const ws = horiz.weights[x]!;
        for (let k = 0; k < c; k++) {
          let acc = 1 << (PRECISION_BITS - 1);
          for (let i = 0; i < ws.length; i++) acc += data[(base + f + i) * c + k]! * ws[i]!;
          tmp[(y * outW + x) * c + k] = clip8(acc);
        }
      }
    }
    src = tmp;
    srcW = outW;
  }
  if (!needV) return { width: outW, height: rows, channels: c, data: src };
  const out = new Uint8Array(outW * outH * c);
  for (let y = 0; y < outH; y++) {
    const f = vert.first[y]! - rowOffset;
    const ws = vert.weights[y]!;
    for (let x = 0; x < srcW; x++) {
      for (let k = 0; k < c; k++) {
        let acc = 1 << (PRECISION_BITS - 1);
        for (let i = 0; i < ws.length; i++) acc += src[((f + i) * srcW + x) * c + k]! * ws[i]!;
        out[(y * srcW + x) * c + k] = clip8(acc);
      }
    }
  }
  return { width: srcW, height: outH, channels: c, data: out };
}
