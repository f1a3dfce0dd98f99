/**
 * The workloads of issue 12 (pretrained vision models, transfer learning, a Transformer text
 * classifier), identical for every system that `bench/apps.ts` measures: Strata
 * (systems/strata-apps.ts), PyTorch (systems/torch_apps.py, which mirrors these definitions) and
 * onnxruntime-node (systems/onnx-apps.ts, on the PyTorch models exported to ONNX).
 */
import { POOL, uniformStream } from "./measure.mjs";

export type AppId =
  | "resnet50-b1"
  | "resnet50-b32"
  | "vgg16-features"
  | "mobilenetv2-train"
  | "transformer-train"
  | "transformer-infer";

export interface AppWorkload {
  /** What the row says in the README's table. */
  name: string;
  /** Training steps (trainOnBatch) or inference (predictOnBatch). */
  kind: "train" | "infer";
  batch: number;
  /** One sample's shape, channels last (PyTorch's runner transposes to NCHW itself). */
  input: number[];
  /** Which ONNX file serves it (inference only); the same file for both ResNet50 batches. */
  onnx?: "resnet50" | "vgg16-features" | "transformer";
}

/** keras.io's "Text classification with Transformer": its sizes. */
export const TEXT = { vocab: 20000, maxlen: 200, embedDim: 32, numHeads: 2, ffDim: 32 };

export const APPS: Record<AppId, AppWorkload> = {
  "resnet50-b1": {
    name: "ResNet50 inference 224×224, batch 1",
    kind: "infer",
    batch: 1,
    input: [224, 224, 3],
    onnx: "resnet50",
  },
  "resnet50-b32": {
    name: "ResNet50 inference 224×224, batch 32",
    kind: "infer",
    batch: 32,
    input: [224, 224, 3],
    onnx: "resnet50",
  },
  "vgg16-features": {
    name: "VGG16 features 180×180 (includeTop false), batch 32",
    kind: "infer",
    batch: 32,
    input: [180, 180, 3],
    onnx: "vgg16-features",
  },
  "mobilenetv2-train": {
    name: "MobileNetV2 training 96×96, 10 classes, batch 32",
    kind: "train",
    batch: 32,
    input: [96, 96, 3],
  },
  "transformer-train": {
    name: "Transformer text classifier training, batch 32",
    kind: "train",
    batch: 32,
    input: [TEXT.maxlen],
  },
  "transformer-infer": {
    name: "Transformer text classifier inference, batch 32",
    kind: "infer",
    batch: 32,
    input: [TEXT.maxlen],
    onnx: "transformer",
  },
};

export const APP_IDS = Object.keys(APPS) as AppId[];

export interface AppBatch {
  x: Float32Array | Int32Array;
  /** Class labels (training workloads): 0..9 for MobileNetV2, 0..1 for the text classifier. */
  y: Int32Array;
  xShape: number[];
}

/**
 * `count` synthetic batches of an application workload: images uniform in [0, 255) (the pixel range
 * the applications expect; no preprocessing is timed), token ids uniform in 0..vocab-1.
 */
export function appBatches(id: AppId, count = Math.min(POOL, 2), seed = 1): AppBatch[] {
  const w = APPS[id];
  const u = uniformStream(seed);
  const per = w.input.reduce((a, b) => a * b, 1);
  const text = id.startsWith("transformer");
  const classes = text ? 2 : 10;
  const out: AppBatch[] = [];
  for (let p = 0; p < count; p++) {
    const x = text ? new Int32Array(w.batch * per) : new Float32Array(w.batch * per);
    for (let k = 0; k < x.length; k++) x[k] = text ? Math.floor(u() * TEXT.vocab) : u() * 255;
    const y = new Int32Array(w.batch);
    for (let k = 0; k < w.batch; k++) y[k] = Math.floor(u() * classes);
    out.push({ x, y, xShape: [w.batch, ...w.input] });
  }
  return out;
}
