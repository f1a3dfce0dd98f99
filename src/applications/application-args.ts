/**
 * What every Keras application takes (`includeTop`, `weights`, `inputTensor`, `inputShape`,
 * `pooling`, `classes`, `classifierActivation`, `name`) and the checks Keras makes on it before
 * building: the weights argument, classes with ImageNet weights, Keras's `obtain_input_shape`,
 * the classifier activation with pretrained weights. Also the pieces every builder shares: the
 * input (a new Input or the given tensor), the pooling head and the model's source inputs.
 * Strata computes channels-last only, so these are Keras's rules for "channels_last".
 */
import { stat } from "node:fs/promises";
import { ValueError } from "../errors.js";
import { Input, InputLayer } from "../layers/core/input.js";
import { SymbolicTensor } from "../layers/layer.js";
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from "../layers/pooling/global-pooling.js";
import type { ShapeSpec } from "../layers/shape-spec.js";
import { type Activation, activation, linear, softmax } from "../ops/activations.js";

export interface ApplicationOptions {
  /** Include the fully-connected classifier at the top. Default true. */
  includeTop?: boolean;
  /** null (random initialization), "imagenet" (default: Keras's pretrained file) or a path. */
  weights?: "imagenet" | string | null;
  /** A symbolic tensor (the output of `Input()` or of a layer) to use as the image input. */
  inputTensor?: SymbolicTensor | null;
  /** Height, width, channels; only without the top unless it equals the default. */
  inputShape?: ShapeSpec | null;
  /** Without the top: null (4-D feature maps), "avg" or "max" (global pooling to 2-D). */
  pooling?: "avg" | "max" | null;
  /** Number of classes of the top classifier. Default 1000. */
  classes?: number;
  /** The top classifier's activation; with pretrained weights only "softmax" or null. */
  classifierActivation?: string | Activation | null;
  /** The model's name (Keras's default per model, e.g. "vgg16"). */
  name?: string;
}

const KNOWN = [
  "includeTop",
  "weights",
  "inputTensor",
  "inputShape",
  "pooling",
  "classes",
  "classifierActivation",
  "name",
];

/** The options with Keras's defaults filled in, after the checks every application makes. */
export interface ResolvedOptions {
  includeTop: boolean;
  weights: string | null;
  inputTensor: SymbolicTensor | null;
  pooling: "avg" | "max" | null;
  classes: number;
  classifierActivation: string | Activation | null;
  name: string;
  /** The input shape from `obtainInputShape`. */
  inputShape: ShapeSpec;
}

async function fileExists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/**
 * Checks `opts` as Keras's application functions do (weights, classes, input shape) and fills in
 * the defaults; `defaultSize` / `minSize` are the model's (224 / 32 for VGG and ResNet).
 */
export async function resolveOptions(
  where: string,
  opts: ApplicationOptions,
  defaults: { name: string; defaultSize: number; minSize: number },
): Promise<ResolvedOptions> {
  for (const k of Object.keys(opts)) {
    if (!KNOWN.includes(k)) {
      throw new ValueError(`${where}: unknown option ${k}; expected one of ${KNOWN.join(", ")}`);
    }
  }
  const includeTop = opts.includeTop ?? true;
  const weights = opts.weights === undefined ? "imagenet" : opts.weights;
  const classes = opts.classes ?? 1000;
  const pooling = opts.pooling ?? null;
  if (!(
    weights === null ||
    weights === "imagenet" ||
    (typeof weights === "string" && (await fileExists(weights)))
  )) {
    throw new ValueError(
      `${where}: the \`weights\` argument should be either null (random initialization), ` +
        `"imagenet" (pre-training on ImageNet), or the path to the weights file to be loaded. ` +
        `Received: weights=${String(weights)}`,
    );
  }
  if (weights === "imagenet" && includeTop && classes !== 1000) {
    throw new ValueError(
      `${where}: if using weights "imagenet" with includeTop true, classes should be 1000. ` +
        `Received: classes=${classes}`,
    );
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new ValueError(
      `${where}: classes must be a positive integer. Received: classes=${classes}`,
    );
  }
  if (pooling !== null && pooling !== "avg" && pooling !== "max") {
    throw new ValueError(
      `${where}: pooling should be null, "avg" or "max". Received: pooling=${String(pooling)}`,
    );
  }
  const inputTensor = opts.inputTensor ?? null;
  if (inputTensor !== null && !(inputTensor instanceof SymbolicTensor)) {
    throw new ValueError(
      `${where}: inputTensor should be a symbolic tensor (the output of Input() or of a layer); ` +
        `received ${String(inputTensor)}`,
    );
  }
  const classifierActivation =
    opts.classifierActivation === undefined ? "softmax" : opts.classifierActivation;
  const inputShape = obtainInputShape(where, opts.inputShape ?? null, {
    defaultSize: defaults.defaultSize,
    minSize: defaults.minSize,
    requireFlatten: includeTop,
    weights,
  });
  // Keras validates the activation when it builds the top, after the input shape.
  if (includeTop) validateActivation(where, classifierActivation, weights);
  return {
    includeTop,
    weights,
    inputTensor,
    pooling,
    classes,
    classifierActivation,
    name: opts.name ?? defaults.name,
    inputShape,
  };
}

const fmt = (s: ShapeSpec): string => `[${s.map((d) => (d === null ? "null" : d)).join(", ")}]`;

/**
 * Keras's `obtain_input_shape` (channels-last): the default (size, size, 3) when none is given
 * and the top needs a fixed size, else (null, null, 3); a given shape must have 3 entries, 3
 * channels with ImageNet weights, and sides of at least `minSize`; with the top and ImageNet
 * weights only the default shape is accepted.
 */
export function obtainInputShape(
  where: string,
  inputShape: ShapeSpec | null,
  o: { defaultSize: number; minSize: number; requireFlatten: boolean; weights: string | null },
): ShapeSpec {
  const { defaultSize, minSize, requireFlatten, weights } = o;
  let defaultShape: ShapeSpec = [defaultSize, defaultSize, 3];
  if (weights !== "imagenet" && inputShape && inputShape.length === 3) {
    const channels = inputShape[2];
    if (channels !== 1 && channels !== 3) {
      console.warn(
        `${where}: this model usually expects 1 or 3 input channels. However, it was passed ` +
          `an inputShape with ${String(channels)} input channels.`,
      );
    }
    defaultShape = [defaultSize, defaultSize, channels ?? null];
  }
  if (weights === "imagenet" && requireFlatten) {
    if (inputShape && fmt(inputShape) !== fmt(defaultShape)) {
      throw new ValueError(
        `${where}: when setting includeTop true and loading "imagenet" weights, inputShape ` +
          `should be ${fmt(defaultShape)}. Received: inputShape=${fmt(inputShape)}`,
      );
    }
    return defaultShape;
  }
  let shape: ShapeSpec;
  if (inputShape && inputShape.length > 0) {
    if (inputShape.length !== 3) {
      throw new ValueError(
        `${where}: inputShape must be three integers (height, width, channels). ` +
          `Received: inputShape=${fmt(inputShape)}`,
      );
    }
    if (inputShape[2] !== 3 && weights === "imagenet") {
      throw new ValueError(
        `${where}: the input must have 3 channels; Received: inputShape=${fmt(inputShape)}`,
      );
    }
    const [h, w] = inputShape;
    if ((h !== null && h! < minSize) || (w !== null && w! < minSize)) {
      throw new ValueError(
        `${where}: input size must be at least ${minSize}x${minSize}; ` +
          `Received: inputShape=${fmt(inputShape)}`,
      );
    }
    shape = inputShape;
  } else {
    shape = requireFlatten ? defaultShape : [null, null, 3];
  }
  if (requireFlatten && shape.includes(null)) {
    throw new ValueError(
      `${where}: if includeTop is true, you should specify a static inputShape. ` +
        `Received: inputShape=${fmt(shape)}`,
    );
  }
  return shape;
}

/**
 * Keras's `validate_activation`: with pretrained weights (anything but null) the classifier's
 * activation may only be softmax or none (null / "linear").
 */
export function validateActivation(
  where: string,
  given: string | Activation | null,
  weights: string | null,
): void {
  if (weights === null) return;
  const f = given === null ? linear : activation(given);
  if (![softmax, linear, activation("softmax"), activation("linear")].includes(f)) {
    throw new ValueError(
      `${where}: only null and "softmax" activations are allowed for the classifierActivation ` +
        `argument when using pretrained weights, with includeTop true; ` +
        `Received: classifierActivation=${typeof given === "string" ? given : f.name || "a function"}`,
    );
  }
}

/** The model's image input: a new Input of `shape`, or the given symbolic tensor. */
export function imageInput(o: ResolvedOptions): SymbolicTensor {
  return o.inputTensor ?? Input({ shape: o.inputShape });
}

/**
 * Keras's `get_source_inputs`: the Input tensors a symbolic tensor comes from, so a model built
 * on `inputTensor` starts where that tensor's graph starts.
 */
export function sourceInputs(t: SymbolicTensor): SymbolicTensor[] {
  const found: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>();
  const walk = (x: SymbolicTensor): void => {
    if (seen.has(x)) return;
    seen.add(x);
    const node = x.node;
    if (!node || node.layer instanceof InputLayer || node.inputs.length === 0) {
      if (!found.includes(x)) found.push(x);
      return;
    }
    for (const i of node.inputs) walk(i);
  };
  walk(t);
  return found;
}

/** The model's inputs: the new Input, or the sources of `inputTensor`. */
export function modelInputs(
  o: ResolvedOptions,
  input: SymbolicTensor,
): SymbolicTensor | SymbolicTensor[] {
  if (o.inputTensor === null) return input;
  const sources = sourceInputs(o.inputTensor);
  return sources.length === 1 ? sources[0]! : sources;
}

/**
 * The head without the top: global average or max pooling, or nothing. `names` are the layers'
 * names where Keras gives them (ResNet's "avg_pool" / "max_pool"; VGG leaves them automatic).
 */
export function poolingHead(
  x: SymbolicTensor,
  pooling: "avg" | "max" | null,
  names: { avg?: string; max?: string } = {},
): SymbolicTensor {
  if (pooling === "avg")
    return new GlobalAveragePooling2D({ name: names.avg }).apply(x) as SymbolicTensor;
  if (pooling === "max")
    return new GlobalMaxPooling2D({ name: names.max }).apply(x) as SymbolicTensor;
  return x;
}

/**
 * The options of a family's `preprocessInput` (Keras's `vgg16.preprocess_input(x,
 * data_format=None)`): only `dataFormat`, since the family fixes the mode.
 */
export function familyPreprocessOptions(
  where: string,
  opts: { dataFormat?: "channels_last" | "channels_first" | null },
): { dataFormat?: "channels_last" | "channels_first" | null } {
  for (const k of Object.keys(opts)) {
    if (k !== "dataFormat") {
      throw new ValueError(`${where}: unknown option ${k}; expected dataFormat`);
    }
  }
  return { dataFormat: opts.dataFormat };
}
