/**
 * Keras `MelSpectrogram`: audio (…, samples) to (…, numMelBins, frames) — the centred STFT's
 * magnitude raised to `magExp`, warped onto HTK mel triangles (linearToMelWeightMatrix) and, by
 * default, turned into decibels clipped `topDb` below the largest value. No weights; built of
 * ops, so gradients flow through it.
 */
import { ValueError } from "../../../errors.js";
import { castTo } from "../../../ops/core.js";
import { add, maximum, multiply, power, sqrt, subtract } from "../../../ops/elementwise.js";
import { matmul } from "../../../ops/linalg.js";
import { log10 } from "../../../ops/numpy-math.js";
import { swapaxes } from "../../../ops/numpy-shape.js";
import { max } from "../../../ops/reduce.js";
import { stft } from "../../../ops/signal.js";
import type { DType } from "../../../tensor/dtype.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";

/** Keras's HTK mel constants: mel(f) = 1127 · ln(1 + f / 700). */
const MEL_BREAK_HZ = 700;
const MEL_HIGH_Q = 1127;
const hzToMel = (f: number): number => MEL_HIGH_Q * Math.log(1 + f / MEL_BREAK_HZ);

/**
 * The (numSpectrogramBins, numMelBins) matrix that maps a linear spectrum over [0, rate/2] onto
 * mel triangles spanning [lowerEdgeHertz, upperEdgeHertz], each peaking at 1 (the DC bin
 * gets no weight), as Keras's `linear_to_mel_weight_matrix`. Float64 values.
 */
export function linearToMelWeightMatrix(
  numMelBins = 20,
  numSpectrogramBins = 129,
  samplingRate = 8000,
  lowerEdgeHertz = 125,
  upperEdgeHertz = 3800,
): Float64Array {
  const out = new Float64Array(numSpectrogramBins * numMelBins);
  const lo = hzToMel(lowerEdgeHertz);
  const hi = hzToMel(upperEdgeHertz);
  const edge = (j: number) => lo + ((hi - lo) * j) / (numMelBins + 1);
  const nyquist = samplingRate / 2;
  for (let i = 1; i < numSpectrogramBins; i++) {
    const mel = hzToMel((nyquist * i) / (numSpectrogramBins - 1));
    for (let j = 0; j < numMelBins; j++) {
      const [left, center, right] = [edge(j), edge(j + 1), edge(j + 2)];
      const rising = (mel - left) / (center - left);
      const falling = (right - mel) / (right - center);
      out[i * numMelBins + j] = Math.max(0, Math.min(rising, falling));
    }
  }
  return out;
}

export interface MelSpectrogramArgs extends LayerArgs {
  /** FFT size; 2048 by default */
  fftLength?: number;
  /** samples between frames; 512 by default */
  sequenceStride?: number;
  /** window length (≤ fftLength); fftLength when null */
  sequenceLength?: number | null;
  /** "hann" (default), "hamming", the window's values, or null */
  window?: "hann" | "hamming" | readonly number[] | null;
  /** 16000 by default */
  samplingRate?: number;
  /** 128 by default */
  numMelBins?: number;
  /** 20 Hz by default */
  minFreq?: number;
  /** samplingRate / 2 when null */
  maxFreq?: number | null;
  /** decibels (true, the default) or power */
  powerToDb?: boolean;
  /** the dB floor below the maximum; 80 by default */
  topDb?: number;
  /** exponent of the magnitude: 1 magnitude, 2 power (default) */
  magExp?: number;
  /** floor under the power and refPower; 1e-10 by default */
  minPower?: number;
  /** dB are relative to it; 1 by default */
  refPower?: number;
}

export class MelSpectrogram extends Layer {
  readonly fftLength: number;
  readonly sequenceStride: number;
  readonly sequenceLength: number;
  readonly window: "hann" | "hamming" | readonly number[] | null;
  readonly samplingRate: number;
  readonly numMelBins: number;
  readonly minFreq: number;
  readonly maxFreq: number;
  readonly powerToDb: boolean;
  readonly topDb: number;
  readonly magExp: number;
  readonly minPower: number;
  readonly refPower: number;

  constructor(args: MelSpectrogramArgs = {}) {
    super(args);
    this.fftLength = args.fftLength ?? 2048;
    this.sequenceStride = args.sequenceStride ?? 512;
    // Keras's `or`: 0 and null both mean "fftLength"
    this.sequenceLength = args.sequenceLength || this.fftLength;
    if (this.fftLength < this.sequenceLength)
      throw new ValueError(
        `${this.where()}: fftLength must be greater than or equal to sequenceLength; ` +
          `received sequenceLength=${this.sequenceLength}, fftLength=${this.fftLength}`,
      );
    this.window = args.window === undefined ? "hann" : args.window;
    this.samplingRate = args.samplingRate ?? 16000;
    this.numMelBins = args.numMelBins ?? 128;
    this.minFreq = args.minFreq ?? 20;
    this.maxFreq = args.maxFreq || Math.trunc(this.samplingRate / 2);
    this.powerToDb = args.powerToDb ?? true;
    this.topDb = args.topDb ?? 80;
    this.magExp = args.magExp ?? 2;
    this.minPower = args.minPower ?? 1e-10;
    this.refPower = args.refPower ?? 1;
  }

  /** stft and the mel matrix run in float32 unless the layer computes in float64, as in Keras. */
  private get workDtype(): "float32" | "float64" {
    return this.dtype === "float64" ? "float64" : "float32";
  }

  call(inputs: Tensor): Tensor {
    const x = castTo(inputs, this.workDtype);
    const [re, im] = stft(
      x,
      this.sequenceLength,
      this.sequenceStride,
      this.fftLength,
      this.window as never,
      true,
    );
    const spec = power(sqrt(add(multiply(re, re), multiply(im, im))), this.magExp);
    const bins = spec.shape[spec.rank - 1]!;
    const matrix = castTo(
      tensor(
        linearToMelWeightMatrix(
          this.numMelBins,
          bins,
          this.samplingRate,
          this.minFreq,
          this.maxFreq,
        ),
        [bins, this.numMelBins],
      ),
      this.workDtype,
    );
    let out = matmul(spec, matrix);
    if (this.powerToDb) out = this.dbScale(out);
    return castTo(swapaxes(out, -1, -2), this.dtype as DType);
  }

  /** 10·log10(max(S, minPower) / max(|refPower|, minPower)), floored topDb below its maximum. */
  private dbScale(s: Tensor): Tensor {
    const logSpec = subtract(
      multiply(log10(maximum(s, this.minPower)), 10),
      10 * Math.log10(Math.max(Math.abs(this.refPower), this.minPower)),
    );
    return maximum(logSpec, subtract(max(logSpec), this.topDb));
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const n = inputShape[inputShape.length - 1];
    if (n === undefined)
      throw new ValueError(`${this.where()}: expected inputs (…, samples); received shape []`);
    // the centred STFT pads fftLength/2 on each side: 1 + n / stride frames
    const frames = n === null ? null : 1 + Math.floor(n / this.sequenceStride);
    return [...inputShape.slice(0, -1), this.numMelBins, frames];
  }

  override computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.dtype as DType;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      fft_length: this.fftLength,
      sequence_stride: this.sequenceStride,
      sequence_length: this.sequenceLength,
      window: this.window,
      sampling_rate: this.samplingRate,
      num_mel_bins: this.numMelBins,
      min_freq: this.minFreq,
      max_freq: this.maxFreq,
      power_to_db: this.powerToDb,
      top_db: this.topDb,
      mag_exp: this.magExp,
      min_power: this.minPower,
      ref_power: this.refPower,
    };
  }

  static fromConfig(config: Record<string, unknown>): MelSpectrogram {
    return new MelSpectrogram(fromKerasConfig(config) as MelSpectrogramArgs);
  }
}

registerKerasLayers({ MelSpectrogram });
