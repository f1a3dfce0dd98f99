/**
 * A tuner worker process (forked by worker-pool.ts): imports the user's module, creates its tuner
 * with `createTuner()` and its search arguments with `searchArgs()`, then runs each trial the
 * driver sends and answers with the outcome. The project folder belongs to the driver: the
 * worker's tuner neither clears nor reloads it, and only writes the trial's checkpoint.
 */
import process from "node:process";
import { loadTunerModule } from "./tuner-module.js";
import { Trial } from "./trial.js";
import type { DriverMessage, WorkerMessage } from "./worker-pool.js";

const send = (m: WorkerMessage) => process.send!(m);

async function main(): Promise<void> {
  const { tuner, fitArgs, opts } = await loadTunerModule(process.argv[2]!);
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
