/**
 * The runs under a log directory, kept current while training writes them. A run is a directory
 * whose `train/` and `validation/` subdirectories hold event files (what `callbacks.TensorBoard`
 * writes); a directory holding event files itself is a run of one split, "train". `refresh()`
 * finds new files and reads what each file gained since the last call; `watch()` calls it when
 * the directory changes (fs.watch) and on a short poll, since fs.watch misses events on some file
 * systems. Listeners on "update" hear about new runs and new points.
 */
import { EventEmitter } from "node:events";
import { watch, type FSWatcher } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { isEventFile, type EventTail, type OpenTail } from "./board-events.js";
import { RunData, type MetricPoint } from "./run-data.js";

export interface StoreUpdate {
  /** Runs seen for the first time. */
  newRuns: string[];
  /** New scalar points, in the order they were read. */
  points: MetricPoint[];
  /** Runs whose steps were rewritten: the page reloads their scalars. */
  resetRuns: string[];
  /** Runs whose histograms or model config changed. */
  changedRuns: string[];
}

/** How deep under the log directory runs are looked for (logs/experiment/run/train is 3). */
const MAX_DEPTH = 4;
const SPLITS = new Set(["train", "validation"]);

export class RunStore extends EventEmitter<{ update: [StoreUpdate]; error: [unknown] }> {
  readonly logDir: string;
  private readonly runs = new Map<string, RunData>();
  private readonly tails = new Map<string, { run: RunData; split: string; tail: EventTail }>();
  private readonly failed = new Set<string>();
  private refreshing: Promise<void> | null = null;
  private again = false;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    logDir: string,
    private readonly openTail: OpenTail,
  ) {
    super();
    this.logDir = resolve(logDir);
  }

  runNames(): string[] {
    return [...this.runs.keys()].sort();
  }

  run(name: string): RunData | undefined {
    return this.runs.get(name);
  }

  /** Scans for files and reads new events; calls made while one runs share one more pass. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Keeps the store current: fs.watch for prompt updates, a poll every `pollMs` as a fallback. */
  watch(pollMs = 500): void {
    const kick = (): void => void this.refresh().catch((e: unknown) => this.emit("error", e));
    try {
      this.watcher = watch(this.logDir, { recursive: true }, kick);
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      this.watcher = null; // recursive watching is not available here: the poll alone keeps up.
    }
    this.timer = setInterval(kick, pollMs);
    this.timer.unref();
  }

  /** Stops watching and waits for a refresh in progress. */
  async close(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    this.watcher = null;
    this.timer = null;
    await this.refreshing?.catch(() => undefined);
  }

  private async pass(): Promise<void> {
    const update: StoreUpdate = { newRuns: [], points: [], resetRuns: [], changedRuns: [] };
    for (const { dir, files } of await findEventDirs(this.logDir, MAX_DEPTH)) {
      const { runName, split } = this.placeOf(dir);
      let run = this.runs.get(runName);
      if (!run) {
        run = new RunData(runName);
        this.runs.set(runName, run);
        update.newRuns.push(runName);
      }
      for (const file of files) {
        const path = join(dir, file);
        if (!this.tails.has(path)) this.tails.set(path, { run, split, tail: this.openTail(path) });
      }
    }
    for (const [path, { run, split, tail }] of this.tails) {
      let events;
      try {
        events = await tail.readNew();
      } catch (error) {
        // A corrupt record stays where it is: say so once, keep reading the other files.
        if (!this.failed.has(path)) this.emit("error", error);
        this.failed.add(path);
        continue;
      }
      const change = run.add(split, events);
      update.points.push(...change.points);
      if (change.reset && !update.resetRuns.includes(run.name)) update.resetRuns.push(run.name);
      if (change.other && !update.changedRuns.includes(run.name)) update.changedRuns.push(run.name);
    }
    const { newRuns, points, resetRuns, changedRuns } = update;
    if (newRuns.length + points.length + resetRuns.length + changedRuns.length > 0) {
      this.emit("update", update);
    }
  }

  /** `logs/run1/train` is run "run1", split "train"; the log directory itself is named by its basename. */
  private placeOf(dir: string): { runName: string; split: string } {
    const rel = relative(this.logDir, dir);
    const parts = rel === "" ? [] : rel.split(sep);
    const last = parts[parts.length - 1];
    const split = last !== undefined && SPLITS.has(last) ? last : "train";
    const runParts = last !== undefined && SPLITS.has(last) ? parts.slice(0, -1) : parts;
    return { runName: runParts.length > 0 ? runParts.join("/") : basename(this.logDir), split };
  }
}

/** Directories under `root` (itself included, `depth` levels down) that hold event files. */
async function findEventDirs(
  root: string,
  depth: number,
): Promise<{ dir: string; files: string[] }[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return []; // not there yet (training has not started) or removed meanwhile
  }
  const files = entries.filter((e) => e.isFile() && isEventFile(e.name)).map((e) => e.name);
  const found = files.length > 0 ? [{ dir: root, files: files.sort() }] : [];
  if (depth > 0) {
    for (const e of entries) {
      if (e.isDirectory()) found.push(...(await findEventDirs(join(root, e.name), depth - 1)));
    }
  }
  return found;
}
