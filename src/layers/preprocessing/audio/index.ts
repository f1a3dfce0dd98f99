/** Audio preprocessing layers: STFTSpectrogram (trainable STFT as convolutions) and MelSpectrogram. */
export {
  STFTSpectrogram,
  type STFTSpectrogramArgs,
  type SpectrogramMode,
} from "./stft-spectrogram.js";
export { MelSpectrogram, type MelSpectrogramArgs } from "./mel-spectrogram.js";
