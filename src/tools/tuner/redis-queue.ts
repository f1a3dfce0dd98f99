/**
 * Trials spread over machines through a BullMQ job queue on Redis. The driver keeps the oracle and
 * keeps `concurrency` trials in flight: each is a job (the trial's state) on the queue
 * `strata-tuner-<projectName>`; any `strata tuner worker --redis URL --module FILE` takes it, runs
 * it and returns the outcome as the job's result. A worker that dies mid-trial stops renewing the
 * job's lock; BullMQ's stalled-job check moves the job back to the queue and another worker runs
 * it, so no trial is lost. Checkpoints go to the project folder, which the machines must share.
 */
import { Queue, QueueEvents } from "bullmq";
import { StrataError, ValueError } from "../../errors.js";
import type { Oracle } from "./oracle.js";
import { type TrialOutcome, applyOutcome } from "./worker-pool.js";

/** Prefix of a worker's fatal error (a search that cannot go on), as the job's failure reason. */
export const FATAL = "strata-tuner-fatal: ";

export function queueName(projectName: string): string {
  return `strata-tuner-${projectName.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

export function connectionOf(redis: string) {
  if (!/^rediss?:\/\//.test(redis))
    throw new ValueError(
      `Tuner: the redis option must be a redis:// or rediss:// URL; received ${redis}`,
    );
  return { url: redis, maxRetriesPerRequest: null };
}

/** The driver's side: hands the oracle's trials out as jobs until the oracle stops. */
export async function runRedisTrials(
  oracle: Oracle,
  opts: { redis: string; projectName: string; concurrency: number },
): Promise<void> {
  if (!(Number.isInteger(opts.concurrency) && opts.concurrency >= 1))
    throw new ValueError(
      `searchInWorkers: maxWorkers must be a positive integer; received ${opts.concurrency}`,
    );
  const connection = connectionOf(opts.redis);
  const name = queueName(opts.projectName);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  try {
    await events.waitUntilReady();
    const loop = async (slot: number) => {
      const tunerId = `redis${slot}`;
      for (;;) {
        const trial = await oracle.createTrial(tunerId);
        if (trial.status === "STOPPED") return;
        if (trial.status === "IDLE") {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const job = await queue.add("trial", trial.getState(), {
          jobId: `${trial.trialId}-${Date.now()}-${slot}`,
        });
        let outcome: TrialOutcome;
        try {
          outcome = (await job.waitUntilFinished(events)) as TrialOutcome;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (message.startsWith(FATAL))
            throw new StrataError(`Tuner worker: ${message.slice(FATAL.length)}`);
          outcome = { status: "INVALID", message };
        }
        await applyOutcome(oracle, trial, outcome);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => loop(i)));
  } finally {
    await events.close();
    await queue.close();
  }
}
