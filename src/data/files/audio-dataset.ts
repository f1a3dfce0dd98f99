/**
 * `audioDatasetFromDirectory`: Keras's `keras.utils.audio_dataset_from_directory`. Each `.wav`
 * file is read and decoded (wav.ts) when the dataset reaches it, several at once, to float32
 * [samples, channels] in [-1, 1]; the file list, labels, shuffle and validation split are Keras's
 * (directory-index.ts), so a seed gives Keras's training and validation files.
 *
 * Lengths as Keras: `outputSequenceLength` crops or pads each clip with zeros at its end (after
 * resampling when `samplingRate` is set); without it each batch is padded with zeros to its
 * longest clip (tf.data's `padded_batch`), or with `ragged` kept at each clip's own length.
 * Strata has no ragged tensors, so a ragged batch is the pair TF's `RaggedTensor` is made of:
 * `values` [total samples, channels] (the clips one after another) and int32 `rowSplits`
 * [batch + 1] (clip i is rows rowSplits[i] … rowSplits[i+1]); unbatched, a clip is its own tensor.
 * `samplingRate` resamples by the Fourier method of Keras's SciPy loader (resample.ts).
 */
import { readFileBytes } from "./directory-index.js";
import { StrataError, ValueError, checkOptionNames } from "../../errors.js";
import { stack } from "../../ops/join.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import {
  type DirectoryDataset,
  type DirectoryOptions,
  datasetFromDirectory,
} from "./directory-index.js";
import { resampleAudio } from "./resample.js";
import { decodeWav } from "./wav.js";

export interface AudioDatasetOptions extends DirectoryOptions {
  /** Resample every clip to this many samples per second (a positive integer). Default null. */
  samplingRate?: number | null;
  /** Crop or zero-pad every clip to this many samples; null pads each batch to its longest. */
  outputSequenceLength?: number | null;
  /** Keep each clip's own length in a batch (`{values, rowSplits}`). Default false. */
  ragged?: boolean;
}

/** A ragged batch of clips, as TF's RaggedTensor holds it: clip i is values[rowSplits[i] : rowSplits[i+1]]. */
export interface RaggedAudio {
  /** The clips' samples one after another: float32 [total samples, channels]. */
  values: Tensor;
  /** int32 [batch + 1]: where each clip starts in `values`, then the total. */
  rowSplits: Tensor;
}

/** The audio part of an element: a ragged batch with `ragged` (batched), a tensor otherwise. */
type AudioPart<O> = O extends { ragged: true }
  ? O extends { batchSize: null }
    ? Tensor
    : RaggedAudio
  : Tensor;
/** An element: the audio, with its labels unless labels are off. */
export type AudioElement<O> = O extends { labelMode: null } | { labels: null }
  ? AudioPart<O>
  : [AudioPart<O>, Tensor];
/** One dataset, or `[training, validation]` for subset "both". */
export type AudioResult<O> = O extends { subset: "both" }
  ? [DirectoryDataset<AudioElement<O>>, DirectoryDataset<AudioElement<O>>]
  : DirectoryDataset<AudioElement<O>>;

/** Keras's extensions for audio. */
export const AUDIO_FORMATS = [".wav"];

const KNOWN = [
  "labels",
  "labelMode",
  "classNames",
  "batchSize",
  "samplingRate",
  "outputSequenceLength",
  "ragged",
  "shuffle",
  "seed",
  "validationSplit",
  "subset",
  "followLinks",
  "verbose",
  "numParallelCalls",
];

/** Interleaved samples cut or zero-padded at the end to `length` frames. */
function fitLength(samples: Float32Array, channels: number, length: number): Float32Array {
  if (samples.length === length * channels) return samples;
  const out = new Float32Array(length * channels);
  out.set(samples.subarray(0, Math.min(samples.length, out.length)));
  return out;
}

/** Reads and decodes one clip to float32 [samples, channels], resampled and fitted to length. */
async function loadAudio(
  path: string,
  samplingRate: number | null,
  length: number | null,
): Promise<Tensor> {
  const bytes = await readFileBytes(path, "audioDatasetFromDirectory");
  const wav = decodeWav(bytes, JSON.stringify(path));
  let { samples, frames } = wav;
  if (samplingRate !== null && wav.sampleRate !== samplingRate) {
    if (wav.sampleRate === 0)
      throw new StrataError(
        `audioDatasetFromDirectory: cannot resample ${JSON.stringify(path)}: its header gives a sampling rate of 0`,
      );
    ({ samples, frames } = resampleAudio(samples, wav.channels, wav.sampleRate, samplingRate));
  }
  if (length !== null) {
    samples = fitLength(samples, wav.channels, length);
    frames = length;
  }
  return fromValues(samples, [frames, wav.channels]);
}

/** A clip [length, channels] or `[clip, label]`: the audio part and the rest. */
function splitElement(e: unknown): [Tensor, Tensor | null] {
  return Array.isArray(e) ? [e[0] as Tensor, e[1] as Tensor] : [e as Tensor, null];
}

/** Clips of any lengths (same channels) → one ragged batch, labels stacked beside it. */
function raggedBatch(elements: unknown[]): unknown {
  const parts = elements.map(splitElement);
  const channels = parts[0]![0].shape[1]!;
  const rowSplits = new Int32Array(parts.length + 1);
  parts.forEach(([x], i) => {
    if (x.shape[1] !== channels)
      throw new ValueError(
        `audioDatasetFromDirectory: a ragged batch needs every clip to have the same number of ` +
          `channels; received clips with ${channels} and ${x.shape[1]}`,
      );
    rowSplits[i + 1] = rowSplits[i]! + x.shape[0]!;
  });
  const values = new Float32Array(rowSplits[parts.length]! * channels);
  parts.forEach(([x], i) => values.set(x.dataSync() as Float32Array, rowSplits[i]! * channels));
  const audio: RaggedAudio = {
    values: fromValues(values, [rowSplits[parts.length]!, channels]),
    rowSplits: fromValues(rowSplits, [parts.length + 1]),
  };
  if (parts[0]![1] === null) return audio;
  return [
    audio,
    stack(
      parts.map(([, y]) => y!),
      0,
    ),
  ];
}

/** A non-negative integer or null, or a ValueError naming the option. */
function optionalCount(where: string, name: string, v: number | null | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (!(Number.isInteger(v) && v >= 0))
    throw new ValueError(
      `${where}: ${name} must be a non-negative integer or null. Received: ${name}=${v}`,
    );
  return v;
}

/**
 * A Dataset of `[audio, labels]` batches (audio alone with `labelMode: null`) from a folder of
 * class folders of `.wav` files, as Keras's `audio_dataset_from_directory`: audio float32
 * [batch, samples, channels] (a `RaggedAudio` with `ragged`); `[training, validation]` for
 * `subset: "both"`. The result carries `classNames` and `filePaths`.
 */
export async function audioDatasetFromDirectory<const O extends AudioDatasetOptions = object>(
  directory: string,
  opts?: O,
): Promise<AudioResult<O>> {
  const where = "audioDatasetFromDirectory";
  const o: AudioDatasetOptions = opts ?? {};
  checkOptionNames(where, o, KNOWN);
  const ragged = o.ragged ?? false;
  const length = optionalCount(where, "outputSequenceLength", o.outputSequenceLength);
  if (ragged && length !== null)
    throw new ValueError(`${where}: cannot set both ragged and outputSequenceLength`);
  const rate = o.samplingRate ?? null;
  if (rate !== null && !Number.isInteger(rate))
    throw new ValueError(
      `${where}: samplingRate should have an integer value. Received: samplingRate=${rate}`,
    );
  if (rate !== null && rate <= 0)
    throw new ValueError(
      `${where}: samplingRate should be higher than 0. Received: samplingRate=${rate}`,
    );
  const batching = ragged ? raggedBatch : length === null ? "pad" : "stack";
  return (await datasetFromDirectory(
    where,
    directory,
    o,
    AUDIO_FORMATS,
    "audio files",
    (p) => loadAudio(p, rate, length),
    batching,
  )) as AudioResult<O>;
}
