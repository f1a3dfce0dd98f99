/**
 * A worker of a distributed search (`strata tuner worker`): imports the search's module, then runs
 * trials from the BullMQ queue (redis-queue.ts) one at a time, returning each outcome as the job's
 * result and renewing the job's lock while it trains, until closed.
 */
import { UnrecoverableError, Worker } from "bullmq";
import { FATAL, connectionOf, queueName } from "./redis-queue.js";
import { Trial, type TrialState } from "./trial.js";
import { loadTunerModule } from "./tuner-module.js";

export interface RedisWorkerOptions {
  redis: string;
  module: string;
  /** How long a job's lock lasts without renewal (ms): a dead worker's trial moves on after it. */
  lockDuration?: number;
}

/** A worker's side: runs trials from the queue until closed. */
export async function startRedisWorker(
  opts: RedisWorkerOptions,
): Promise<{ close(): Promise<void> }> {
  const { tuner, fitArgs, opts: searchOpts } = await loadTunerModule(opts.module);
  const lockDuration = opts.lockDuration ?? 30_000;
  const worker = new Worker(
    queueName(tuner.projectName),
    async (job) => {
      const trial = Trial.fromState(job.data as TrialState);
      try {
        return await tuner.executeTrial(trial, fitArgs, searchOpts);
      } catch (error) {
        throw new UnrecoverableError(
          `${FATAL}${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
    {
      connection: connectionOf(opts.redis),
      concurrency: 1,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 2,
    },
  );
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
