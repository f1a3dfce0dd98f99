/**
 * The process that kill.test.ts (and bench/kill.ts) kills with SIGKILL. Two jobs:
 *
 *   child.ts save DIR FORMAT   saves one model over and over to DIR/model.FORMAT, every weight set
 *                              to the save's number v, printing "saved v" after each save returns;
 *   child.ts fit DIR OUT       a seeded fit with shuffling, Dropout and momentum under
 *                              BackupAndRestore(DIR), printing "batch EPOCH STEP" as it goes and
 *                              writing the final weights as JSON to OUT.
 *
 * The parent decides when to kill from what this prints; a run with the same arguments afterwards
 * must find a good file (save) or finish with the same weights as an uninterrupted run (fit).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as st from "../../../src/index.js";
import { savedModel, trainedModel } from "./models.js";

const [job, dir, arg] = process.argv.slice(2);

async function saveForever(): Promise<void> {
  const model = savedModel();
  const path = join(dir!, `model.${arg}`);
  for (let v = 1; ; v++) {
    model.setWeights(model.getWeights().map((w) => st.ops.full(w.shape, v)) as never[]);
    await model.save(path);
    process.stdout.write(`saved ${v}\n`);
  }
}

async function fitWithBackup(): Promise<void> {
  const model = trainedModel();
  const x = st.random.normal([480, 12], { seed: 1 });
  const y = st.ops.sum(st.ops.sin(x), -1, true);
  await model.fit(x, y, {
    epochs: 8,
    batchSize: 16,
    shuffle: true,
    verbose: 0,
    callbacks: [
      new st.callbacks.BackupAndRestore(dir!),
      new st.callbacks.LambdaCallback({
        onTrainBatchEnd: (step: number) => {
          process.stdout.write(`batch ${model.optimizer!.iterations} ${step}\n`);
        },
      }),
    ],
  });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
  writeFileSync(arg!, JSON.stringify(weights));
}

if (job === "save") await saveForever();
else if (job === "fit") await fitWithBackup();
else if (job !== undefined) throw new Error(`child.ts: unknown job "${job}"`);
