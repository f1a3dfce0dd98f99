/**
 * Trials in worker processes on this machine. The driver keeps the oracle (the one place that
 * decides the next trial) and runs one loop per worker: ask the oracle for a trial, send it to the
 * worker over the IPC channel, wait for its outcome, report it to the oracle. Workers import the
 * user's module (`createTuner`, `searchArgs`) and write checkpoints into the shared project folder.
 * A worker that exits mid-trial ends that trial INVALID (retried up to maxRetriesPerTrial times).
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { StrataError, ValueError } from "../../errors.js";
import type { Oracle } from "./oracle.js";
import type { Trial, TrialState } from "./trial.js";

export interface TrialOutcome {
  status: "COMPLETED" | "INVALID" | "FAILED";
  metrics?: Record<string, number>;
  step?: number;
  message?: string;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "outcome"; trialId: string; outcome: TrialOutcome }
  | { type: "fatal"; message: string };

/** Messages to a worker. */
export type DriverMessage = { type: "trial"; state: TrialState } | { type: "stop" };

/** Records a trial's outcome with the oracle and ends the trial. */
export async function applyOutcome(
  oracle: Oracle,
  trial: Trial,
  outcome: TrialOutcome,
): Promise<void> {
  if (outcome.status === "COMPLETED")
    await oracle.updateTrial(trial.trialId, outcome.metrics!, outcome.step ?? 0);
  trial.status = outcome.status;
  trial.message = outcome.message ?? null;
  await oracle.endTrial(trial);
}

// The worker script beside this one: .ts when running from the sources (tsx), .js when built.
const WORKER = fileURLToPath(
  new URL(
    import.meta.url.endsWith(".ts") ? "./worker-process.ts" : "./worker-process.js",
    import.meta.url,
  ),
);

/** One worker process and the next message it sends (or its exit). */
class Worker {
  private readonly child: ChildProcess;
  private waiting: ((m: WorkerMessage | null) => void) | null = null;
  private readonly queue: (WorkerMessage | null)[] = [];
  exited = false;

  constructor(module: string) {
    // The driver's loader flags (tsx for TypeScript modules) and its arguments (after the module)
    // carry over, so a module that reads its command line sees the driver's.
    this.child = fork(WORKER, [module, ...process.argv.slice(2)], {
      execArgv: process.execArgv,
      stdio: "inherit",
    });
    this.child.on("message", (m) => this.push(m as WorkerMessage));
    this.child.on("exit", () => {
      this.exited = true;
      this.push(null);
    });
  }

  private push(m: WorkerMessage | null): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(m);
    } else this.queue.push(m);
  }

  /** The next message, or null once the process has exited. */
  next(): Promise<WorkerMessage | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  send(m: DriverMessage): void {
    if (!this.exited) this.child.send(m);
  }

  kill(): void {
    if (!this.exited) this.child.kill();
  }
}

export async function runWorkers(
  oracle: Oracle,
  module: string,
  maxWorkers: number,
): Promise<void> {
  if (!(Number.isInteger(maxWorkers) && maxWorkers >= 1))
    throw new ValueError(
      `searchInWorkers: maxWorkers must be a positive integer; received ${maxWorkers}`,
    );
  const workers = Array.from({ length: maxWorkers }, () => new Worker(module));
  const loop = async (worker: Worker, tunerId: string) => {
    const first = await worker.next();
    if (first?.type === "fatal") throw new StrataError(`Tuner worker: ${first.message}`);
    if (first?.type !== "ready")
      throw new StrataError(`Tuner worker ${tunerId} exited before it was ready`);
    for (;;) {
      const trial = await oracle.createTrial(tunerId);
      if (trial.status === "STOPPED") return;
      if (trial.status === "IDLE") {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      worker.send({ type: "trial", state: trial.getState() });
      const reply = await worker.next();
      if (reply?.type === "fatal") throw new StrataError(`Tuner worker: ${reply.message}`);
      const outcome: TrialOutcome =
        reply?.type === "outcome"
          ? reply.outcome
          : { status: "INVALID", message: `The worker running trial ${trial.trialId} exited` };
      await applyOutcome(oracle, trial, outcome);
      if (reply === null) return;
    }
  };
  try {
    await Promise.all(workers.map((w, i) => loop(w, `worker${i}`)));
  } finally {
    for (const w of workers) w.send({ type: "stop" });
    for (const w of workers) w.kill();
  }
}
