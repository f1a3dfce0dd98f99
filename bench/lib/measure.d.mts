/** Types of lib/measure.mjs for the TypeScript runners (see that file). */
export type WorkloadId = "W1" | "W2" | "W3";
export declare const WORKLOADS: Record<
  WorkloadId,
  { name: string; batch: number; seqLen?: number; vocab?: number }
>;
export declare const POOL: number;
export declare function parseArgs(argv?: string[]): Record<string, string | undefined>;
export declare function log(msg: string): void;
export interface Throughput {
  samplesPerSec: number;
  stepMs: number;
  runs: number[];
  steps: number;
  warmup: number;
}
export declare function throughput(
  step: (i: number) => unknown,
  opts: { batch: number; warmup: number; runs: number; seconds: number; minSteps?: number },
): Promise<Throughput>;
export declare function latencyOptions<T extends { batch: number; warmup: number }>(opts: T): T;
export declare function matmulRate(
  call: () => unknown,
  n: number,
  seconds: number,
): Promise<{ gflops: number; runs: number; callsPerRun: number }>;
export declare function memoryMiB(): { peakRssMiB: number; rssMiB: number };
export declare function uniformStream(seed: number): () => number;
export interface Batch {
  x: Float32Array | Int32Array;
  y: Float32Array | Int32Array;
  xShape: number[];
  yShape: number[];
}
export declare function syntheticBatches(
  workload: WorkloadId,
  seed?: number,
  batch?: number,
): Batch[];
export declare const W1_TRAIN_FLOPS_PER_SAMPLE: number;
export declare function checkProduct(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: ArrayLike<number>,
  n: number,
): void;
export declare function emit(outPath: string, result: object): void;
