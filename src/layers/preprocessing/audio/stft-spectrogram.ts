/**
 * Keras `STFTSpectrogram`: the short-time Fourier transform of (batch, time, channels) signals as
 * two strided 1-D convolutions whose kernels the `STFT` initializer fills (cosine and sine taps
 * times the window), so the transform is trainable. Each channel is transformed on its own; the
 * output is the log or linear magnitude, the power spectral density, the real or imaginary part,
 * the phase, or real and imaginary parts side by side (`mode`), as Keras lays them out.
 */
import { DTypeError, ValueError } from "../../../errors.js";
import { conv } from "../../../ops/conv.js";
import { add, maximum, multiply, sqrt, log } from "../../../ops/elementwise.js";
import { concatenate, pad, slice } from "../../../ops/join.js";
import { reshape, transpose } from "../../../ops/movement.js";
import { arctan2 } from "../../../ops/numpy-math.js";
import { STFT, type StftScaling, type StftWindow } from "../../../nn/initializers.js";
import { checkWindowName } from "../../../nn/stft-windows.js";
import type { Variable } from "../../../autodiff/variable.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { checkDataFormat, type DataFormat } from "../../core/flatten.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";

export type SpectrogramMode = "log" | "magnitude" | "psd" | "real" | "imag" | "angle" | "stft";
const MODES: readonly SpectrogramMode[] = [
  "log",
  "magnitude",
  "psd",
  "real",
  "imag",
  "angle",
  "stft",
];
/** Keras's backend epsilon, the floor under the power and magnitude. */
const EPSILON = 1e-7;

export interface STFTSpectrogramArgs extends LayerArgs {
  /** "log" by default */
  mode?: SpectrogramMode;
  /** samples per frame; 256 by default */
  frameLength?: number;
  /** samples between frames; frameLength / 2 (rounded down) when null */
  frameStep?: number | null;
  /** FFT size (≥ frameLength); the next power of two from frameLength when null */
  fftLength?: number | null;
  /** "hann" by default; a scipy window name, the window's values, or null */
  window?: StftWindow;
  periodic?: boolean;
  /** "density" by default */
  scaling?: StftScaling;
  /** "valid" (default) or "same" */
  padding?: "valid" | "same";
  /** output (…, time, freq, channels) — an image — instead of channels folded into freq */
  expandDims?: boolean;
  dataFormat?: DataFormat | null;
}

export class STFTSpectrogram extends Layer {
  readonly mode: SpectrogramMode;
  readonly frameLength: number;
  readonly frameStep: number | null;
  readonly fftLength: number | null;
  readonly window: StftWindow;
  readonly periodic: boolean;
  readonly scaling: StftScaling;
  readonly padding: "valid" | "same";
  readonly expandDims: boolean;
  readonly dataFormat: DataFormat;
  realKernel: Variable | null = null;
  imagKernel: Variable | null = null;

  constructor(args: STFTSpectrogramArgs = {}) {
    super(args);
    const where = this.where();
    this.frameLength = args.frameLength ?? 256;
    if (!Number.isInteger(this.frameLength) || this.frameLength < 1)
      throw new ValueError(
        `${where}: frameLength must be a positive integer; received ${this.frameLength}`,
      );
    this.frameStep = args.frameStep ?? null;
    if (
      this.frameStep !== null &&
      (!Number.isInteger(this.frameStep) || this.frameStep > this.frameLength || this.frameStep < 1)
    )
      throw new ValueError(
        `${where}: frameStep should be a positive integer not greater than frameLength; ` +
          `received frameStep=${this.frameStep}, frameLength=${this.frameLength}`,
      );
    this.fftLength = args.fftLength ?? null;
    if (
      this.fftLength !== null &&
      (!Number.isInteger(this.fftLength) || this.fftLength < this.frameLength)
    )
      throw new ValueError(
        `${where}: fftLength should be an integer not less than frameLength; ` +
          `received fftLength=${this.fftLength}, frameLength=${this.frameLength}`,
      );
    if (this.fftLength !== null && (this.fftLength & -this.fftLength) !== this.fftLength)
      console.warn(
        `${where}: fftLength is recommended to be a power of two; received fftLength=${this.fftLength}`,
      );
    this.mode = args.mode ?? "log";
    if (!MODES.includes(this.mode))
      throw new ValueError(
        `${where}: mode must be one of ${MODES.join(", ")}; received mode=${JSON.stringify(args.mode)}`,
      );
    this.scaling = args.scaling === undefined ? "density" : args.scaling;
    if (this.scaling !== null && this.scaling !== "density" && this.scaling !== "spectrum")
      throw new ValueError(
        `${where}: scaling must be null, "density" or "spectrum"; received scaling=${JSON.stringify(args.scaling)}`,
      );
    this.padding = args.padding ?? "valid";
    if (this.padding !== "valid" && this.padding !== "same")
      throw new ValueError(
        `${where}: padding must be "valid" or "same"; received padding=${JSON.stringify(args.padding)}`,
      );
    this.window = args.window === undefined ? "hann" : args.window;
    if (typeof this.window === "string") checkWindowName(this.window, where);
    this.periodic = args.periodic ?? false;
    this.expandDims = args.expandDims ?? false;
    this.dataFormat = checkDataFormat(args.dataFormat, where);
  }

  /** The hop between frames actually used. */
  get step(): number {
    return this.frameStep ?? Math.floor(this.frameLength / 2);
  }
  /** The FFT size actually used. */
  get fftSize(): number {
    return this.fftLength ?? 2 ** Math.ceil(Math.log2(this.frameLength));
  }

  override build(inputShape: ShapeSpec): void {
    this.checkRank(inputShape);
    const shape = [this.frameLength, 1, Math.floor(this.fftSize / 2) + 1];
    const init = (side: "real" | "imag") =>
      new STFT({ side, window: this.window, scaling: this.scaling, periodic: this.periodic });
    if (this.mode !== "imag")
      this.realKernel = this.addWeight({ name: "real_kernel", shape, initializer: init("real") });
    if (this.mode !== "real")
      this.imagKernel = this.addWeight({ name: "imag_kernel", shape, initializer: init("imag") });
  }

  private checkRank(shape: ShapeSpec): void {
    if (shape.length !== 3)
      throw new ValueError(
        `${this.where()}: expected inputs of rank 3 (batch, time, channels) or (batch, channels, time); ` +
          `received shape ${JSON.stringify(shape)}`,
      );
  }

  /** One kernel over every channel: (batch, channels, frames, bins). */
  private applyConv(inputs: Tensor, kernel: Variable): Tensor {
    const [batch, a, b] = inputs.shape as [number, number, number];
    const [time, channels] = this.dataFormat === "channels_last" ? [a, b] : [b, a];
    const perChannel = this.dataFormat === "channels_last" ? transpose(inputs, [0, 2, 1]) : inputs;
    const out = conv(reshape(perChannel, [batch * channels, time, 1]), kernel, {
      strides: this.step,
      padding: this.padding,
    });
    return reshape(out, [batch, channels, out.shape[1]!, out.shape[2]!]);
  }

  /** (batch, channels, frames, bins) to Keras's output layout. */
  private layout(x: Tensor): Tensor {
    const [batch, channels, frames, bins] = x.shape as [number, number, number, number];
    if (this.dataFormat === "channels_last") {
      if (this.expandDims) return transpose(x, [0, 2, 3, 1]);
      return reshape(transpose(x, [0, 2, 1, 3]), [batch, frames, channels * bins]);
    }
    if (this.expandDims) return x;
    return reshape(transpose(x, [0, 1, 3, 2]), [batch, channels * bins, frames]);
  }

  call(inputs: Tensor): Tensor {
    // Keras takes float16 too; Strata has no float16 tensors
    if (inputs.dtype !== "float32" && inputs.dtype !== "float64")
      throw new DTypeError(
        `${this.where()}: expected float32 or float64 inputs; received ${inputs.dtype}`,
      );
    this.checkRank(inputs.shape);
    const real = this.realKernel ? this.applyConv(inputs, this.realKernel) : null;
    const imag = this.imagKernel ? this.applyConv(inputs, this.imagKernel) : null;
    if (this.mode === "real") return this.layout(real!);
    if (this.mode === "imag") return this.layout(imag!);
    if (this.mode === "angle") return this.layout(arctan2(imag!, real!));
    if (this.mode === "stft") return this.layout(concatenate([real!, imag!], 3));
    const power = add(multiply(real!, real!), multiply(imag!, imag!));
    if (this.mode === "psd") {
      // one-sided density: every bin but the first and last counts twice
      const [b, c, t, f] = power.shape as [number, number, number, number];
      const inner = slice(power, [0, 0, 0, 1], [b, c, t, f - 2]);
      return this.layout(
        add(
          power,
          pad(inner, [
            [0, 0],
            [0, 0],
            [0, 0],
            [1, 1],
          ]),
        ),
      );
    }
    const magnitude = this.layout(sqrt(maximum(power, EPSILON)));
    return this.mode === "magnitude" ? magnitude : log(maximum(magnitude, EPSILON));
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.checkRank(inputShape);
    const last = this.dataFormat === "channels_last";
    const channels = last ? inputShape[2]! : inputShape[1]!;
    const time = last ? inputShape[1]! : inputShape[2]!;
    const bins = (Math.floor(this.fftSize / 2) + 1) * (this.mode === "stft" ? 2 : 1);
    const frames =
      time === null
        ? null
        : this.padding === "same"
          ? Math.ceil(time / this.step)
          : Math.floor((time - this.frameLength) / this.step) + 1;
    const folded = channels === null ? null : channels * bins;
    if (last)
      return this.expandDims
        ? [inputShape[0]!, frames, bins, channels]
        : [inputShape[0]!, frames, folded];
    return this.expandDims
      ? [inputShape[0]!, channels, frames, bins]
      : [inputShape[0]!, folded, frames];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mode: this.mode,
      frame_length: this.frameLength,
      frame_step: this.frameStep,
      fft_length: this.fftLength,
      window: this.window,
      periodic: this.periodic,
      scaling: this.scaling,
      padding: this.padding,
      data_format: this.dataFormat,
      expand_dims: this.expandDims,
    };
  }

  static fromConfig(config: Record<string, unknown>): STFTSpectrogram {
    return new STFTSpectrogram(fromKerasConfig(config) as STFTSpectrogramArgs);
  }
}

registerKerasLayers({ STFTSpectrogram });
