/**
 * What the dashboard reads out of one event file: scalars, weight histograms, the model's Keras
 * config and the file's start time, each with its step and wall time. The dashboard sees event
 * files only through `EventTail` (read what was appended since the last call), so the store and
 * server do not depend on how TensorBoard's records are decoded (`event-tail.ts` does that).
 */

export interface ScalarEvent {
  kind: "scalar";
  tag: string;
  step: number;
  /** Seconds since the Unix epoch, as TensorBoard's `Event.wall_time`. */
  wallTime: number;
  value: number;
}

/** One histogram bucket: counts of values in [left, right). */
export interface Bucket {
  left: number;
  right: number;
  count: number;
}

export interface HistogramEvent {
  kind: "histogram";
  tag: string;
  step: number;
  wallTime: number;
  buckets: Bucket[];
}

/** The model's Keras config, parsed (the TensorBoard callback's `keras` graph summary). */
export interface ModelConfigEvent {
  kind: "model";
  tag: string;
  step: number;
  wallTime: number;
  config: unknown;
}

/** The first record of every event file (its `file_version`): when the writer started. */
export interface StartEvent {
  kind: "start";
  wallTime: number;
}

export type BoardEvent = ScalarEvent | HistogramEvent | ModelConfigEvent | StartEvent;

/** Reads one growing event file from where it stopped; a partly written record waits for more. */
export interface EventTail {
  readNew(): Promise<BoardEvent[]>;
}

export type OpenTail = (path: string) => EventTail;

/** Event files, as TensorBoard finds them: names containing "tfevents". */
export function isEventFile(name: string): boolean {
  return name.includes("tfevents");
}
