/**
 * The module a tuner worker imports (a local worker process or `strata tuner worker`): it exports
 * `createTuner()`, the same tuner the driver made, and `searchArgs()`, what `search` would be
 * given (`[x, y, {epochs, …}]`). Loaded in worker mode, so the tuner leaves the driver's project
 * folder as it is.
 */
import { pathToFileURL } from "node:url";
import { ValueError } from "../../errors.js";
import { type SearchOptions, type Tuner, markWorkerProcess, splitSearchArgs } from "./tuner.js";

export interface LoadedTunerModule {
  tuner: Tuner;
  fitArgs: unknown[];
  opts: SearchOptions;
}

export async function loadTunerModule(file: string): Promise<LoadedTunerModule> {
  markWorkerProcess();
  const mod = (await import(pathToFileURL(file).href)) as {
    createTuner?: () => Tuner | Promise<Tuner>;
    searchArgs?: () => readonly unknown[] | Promise<readonly unknown[]>;
  };
  if (typeof mod.createTuner !== "function")
    throw new ValueError(`${file} must export a function createTuner() returning the tuner`);
  const tuner = await mod.createTuner();
  const { fitArgs, opts } = splitSearchArgs(mod.searchArgs ? await mod.searchArgs() : []);
  tuner.oracle.display.verbose = 0;
  return { tuner, fitArgs, opts };
}
