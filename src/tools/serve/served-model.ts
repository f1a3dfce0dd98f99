/**
 * One served model and its versions, as TF Serving's default version policy serves them: the
 * newest version is available; a model directory is polled, and when a newer version appears
 * (or the served one is removed) the newest one is loaded beside the old, then swapped in. The
 * old version finishes the requests already queued on it before it ends, so no request is
 * dropped. A version that fails to load is logged and tried again when its file changes.
 */
import { StrataError } from "../../errors.js";
import { loadModel } from "../../models/index.js";
import type { Model } from "../../models/model.js";
import type { BatchObserver, BatchOptions } from "./batcher.js";
import { listVersions, type ModelSource } from "./model-files.js";
import { Servable } from "./servable.js";

/** TF Serving's ManagerState names. */
export type VersionState = "START" | "LOADING" | "AVAILABLE" | "UNLOADING" | "END";

export interface VersionStatus {
  readonly version: number;
  readonly state: VersionState;
  readonly error?: string;
}

export interface ServedModelOptions {
  readonly batching: BatchOptions;
  readonly observeBatch?: BatchObserver;
  readonly log: (line: string) => void;
}

export class ServedModel {
  private current: Servable | null = null;
  /** versions being retired: still answering their queued requests */
  private readonly unloading = new Map<number, Servable>();
  private readonly states = new Map<number, VersionStatus>();
  /** the file stamp of a version that failed to load, so it is retried only once changed */
  private readonly failed = new Map<number, string>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  private constructor(
    readonly name: string,
    private readonly source: ModelSource | null,
    private readonly opts: ServedModelOptions,
  ) {}

  /** A model held in memory, served as version 1. */
  static fromModel(name: string, model: Model, opts: ServedModelOptions): ServedModel {
    const served = new ServedModel(name, null, opts);
    served.install(new Servable(name, 1, model, opts.batching, opts.observeBatch));
    return served;
  }

  /** A model from a file or a versioned directory; its newest version is loaded before this resolves. */
  static async fromSource(source: ModelSource, opts: ServedModelOptions): Promise<ServedModel> {
    const served = new ServedModel(source.name, source, opts);
    if (source.kind === "file") {
      served.install(await served.load(1, source.path));
    } else {
      await served.refresh(true);
    }
    return served;
  }

  /** The servable for a version (the newest when omitted), or null when it is not served. */
  servable(version?: number): Servable | null {
    if (version === undefined || version === this.current?.version) return this.current;
    return this.unloading.get(version) ?? null;
  }

  /** Every version this server has known, newest first (TF Serving's GetModelStatus). */
  status(version?: number): VersionStatus[] {
    const all = [...this.states.values()].sort((a, b) => b.version - a.version);
    return version === undefined ? all : all.filter((s) => s.version === version);
  }

  /** Polls the model directory every `intervalMs` for new versions. */
  watch(intervalMs: number): void {
    if (this.source?.kind !== "dir" || this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      this.polling ??= this.refresh(false).finally(() => (this.polling = null));
    }, intervalMs);
    this.pollTimer.unref();
  }

  /** Stops polling and waits for every queued request of every version. */
  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    await this.polling;
    await Promise.all([this.current, ...this.unloading.values()].map((s) => s?.batcher.drain()));
  }

  /** Rows queued on every version. */
  get pendingRows(): number {
    let n = this.current?.batcher.pendingRows ?? 0;
    for (const s of this.unloading.values()) n += s.batcher.pendingRows;
    return n;
  }

  /** Loads the newest version on disk when it is not the one served. */
  private async refresh(initial: boolean): Promise<void> {
    const base = this.source!.path;
    const versions = await listVersions(base);
    const newest = versions.find((v) => this.failed.get(v.version) !== v.stamp);
    if (!newest) {
      if (initial) {
        const why = [...this.states.values()].find((s) => s.error)?.error;
        throw new StrataError(
          `serve: no loadable model version under "${base}"${why ? `: ${why}` : ""}`,
        );
      }
      return;
    }
    if (newest.version === this.current?.version) return;
    try {
      const servable = await this.load(newest.version, newest.file);
      this.failed.delete(newest.version);
      this.install(servable);
    } catch (err) {
      this.failed.set(newest.version, newest.stamp);
      if (initial) throw err;
    }
  }

  private async load(version: number, file: string): Promise<Servable> {
    this.states.set(version, { version, state: "LOADING" });
    try {
      const model = await loadModel(file, { compile: false });
      const servable = new Servable(
        this.name,
        version,
        model,
        this.opts.batching,
        this.opts.observeBatch,
      );
      this.opts.log(`serve: loaded model "${this.name}" version ${version} from ${file}`);
      return servable;
    } catch (err) {
      const error = (err as Error).message;
      this.states.set(version, { version, state: "END", error });
      this.opts.log(
        `serve: could not load model "${this.name}" version ${version} (${file}): ${error}`,
      );
      throw err;
    }
  }

  /** Makes `next` the served version; the previous one ends once its queue is answered. */
  private install(next: Servable): void {
    const old = this.current;
    this.current = next;
    this.states.set(next.version, { version: next.version, state: "AVAILABLE" });
    if (!old || old.version === next.version) return;
    this.unloading.set(old.version, old);
    this.states.set(old.version, { version: old.version, state: "UNLOADING" });
    void old.batcher.drain().then(() => {
      this.unloading.delete(old.version);
      this.states.set(old.version, { version: old.version, state: "END" });
    });
  }
}
