/**
 * `strata tuner worker --redis URL --module FILE`: a tuner worker for a distributed search. It
 * imports FILE (exporting `createTuner()` and `searchArgs()`, as for `tuner.searchInWorkers`),
 * takes trials from the search's BullMQ queue on Redis until stopped (Ctrl-C / SIGTERM), and
 * writes checkpoints into the project folder.
 */
import { resolve } from "node:path";
import process from "node:process";
import type { Command } from "commander";
import { ValueError } from "../../../errors.js";

export function registerTuner(program: Command): void {
  const tuner = program.command("tuner").description("hyperparameter search (KerasTuner's API)");
  tuner
    .command("worker")
    .description("run trials of a distributed search from its Redis queue")
    .requiredOption("--redis <url>", "the Redis server, redis://host:port")
    .requiredOption("--module <file>", "the module exporting createTuner() and searchArgs()")
    .option("--lock-duration <ms>", "how long a trial's lock lasts without renewal", "30000")
    .action(async (opts: { redis: string; module: string; lockDuration: string }) => {
      const lockDuration = Number(opts.lockDuration);
      if (!(Number.isInteger(lockDuration) && lockDuration > 0))
        throw new ValueError(`--lock-duration expects milliseconds; received ${opts.lockDuration}`);
      const { startRedisWorker } = await import("../../tuner/redis-worker.js");
      const worker = await startRedisWorker({
        redis: opts.redis,
        module: resolve(opts.module),
        lockDuration,
      });
      console.log(`strata tuner worker: ready (pid ${process.pid})`);
      await new Promise<void>((done) => {
        const stop = () => void worker.close().then(done);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
