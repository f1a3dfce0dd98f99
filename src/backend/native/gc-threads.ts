import { setFlagsFromString } from "node:v8";

/*
 * V8 marks the heap on a background thread while JavaScript runs (concurrent marking). The native
 * backend already keeps one thread busy per core, so that marker takes a core away from a kernel
 * in mid-product: on 2 cores, after a few training steps had pushed tensors into the old
 * generation, a marking cycle started every ~30 ms and inference of the MNIST convnet went from
 * 4.5 to 7 ms per batch (bench/README.md). Without it V8 marks in small steps on the main thread,
 * between kernels. `st.setBackend("native", { tuneProcess: false })` keeps V8's default.
 */
let applied = false;

/** Turns V8's concurrent marking off for this process, once (when the native backend loads). */
export function keepGcOffTheCores(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString("--no-concurrent-marking");
}
