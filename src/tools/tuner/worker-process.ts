/**
 * A tuner worker process (forked by worker-pool.ts): imports the user's module, creates its tuner
 * with `createTuner()` and its search arguments with `searchArgs()`, then runs each trial the
 * driver sends and answers with the outcome. The project folder belongs to the driver: the
 * worker's tuner neither clears nor reloads it, and only writes the trial's checkpoint.
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { Trial } from "./trial.js";
import { type Tuner, markWorkerProcess, splitSearchArgs } from "./tuner.js";
import type { DriverMessage, WorkerMessage } from "./worker-pool.js";

const send = (m: WorkerMessage) => process.send!(m);

async function main(): Promise<void> {
  markWorkerProcess();
  const file = process.argv[2]!;
  const mod = (await import(pathToFileURL(file).href)) as {
    createTuner?: () => Tuner | Promise<Tuner>;
    searchArgs?: () => unknown[] | Promise<unknown[]>;
  };
  if (typeof mod.createTuner !== "function")
    throw new Error(`${file} must export a function createTuner() returning the tuner`);
  const tuner = await mod.createTuner();
  const { fitArgs, opts } = splitSearchArgs(mod.searchArgs ? await mod.searchArgs() : []);
  tuner.oracle.display.verbose = 0;
  let busy = Promise.resolve();
  process.on("message", (m: DriverMessage) => {
    if (m.type === "stop") process.exit(0);
    busy = busy.then(async () => {
      const trial = Trial.fromState(m.state);
      try {
        const outcome = await tuner.executeTrial(trial, fitArgs, opts);
        send({ type: "outcome", trialId: trial.trialId, outcome });
      } catch (error) {
        send({ type: "fatal", message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  send({ type: "ready" });
}

main().catch((error: unknown) => {
  send({
    type: "fatal",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
});
