// One reader's fuzz cases in a worker thread (started by bench/fuzz.ts): it marks each case's
// index and start time in shared memory, so the main thread can stop a case that hangs, and
// posts its counts when the range is done.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { runCases } from "../test/io/fuzz/run-cases.js";
import { TARGETS } from "../test/io/fuzz/targets.js";

interface Job {
  reader: string;
  seed: number;
  start: number;
  end: number;
  timeLimitMs: number;
  allocationLimit: number;
  scratch: string;
  progress: SharedArrayBuffer;
}

const job = workerData as Job;
const progress = new Float64Array(job.progress);
const target = TARGETS.find((t) => t.name === job.reader)!;
console.warn = () => undefined; // loadModel warns about a legacy file's missing training config
const dir = mkdtempSync(join(job.scratch, `strata-fuzz-${job.reader}-`));
try {
  const seeds = await target.seeds(dir);
  const stats = await runCases(target, seeds, {
    ...job,
    dir,
    onCase: (i) => {
      progress[0] = i;
      progress[1] = Date.now();
    },
    // The counts so far, so that a hang later in the range does not lose them.
    afterCase: (partial) => parentPort!.postMessage({ done: false, stats: partial }),
  });
  progress[1] = 0;
  parentPort!.postMessage({ done: true, stats });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
