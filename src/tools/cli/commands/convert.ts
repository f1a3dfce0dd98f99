/**
 * `strata convert IN OUT`: a model file from one of Keras's formats to another, the output's
 * format chosen by its name as Keras chooses it: `.keras` (Keras 3's archive), `.weights.h5`
 * (Keras 3's weights only), or any other `.h5` / `.hdf5` name (Keras's legacy HDF5 model file,
 * written by `model.save` with Keras's warning that the format is legacy). The input may be a
 * `.keras` archive, a legacy `.h5` model, or a weights file (Keras 3's `.weights.h5` or a legacy
 * `.h5` weights file), which has no architecture: then `--architecture` names a model file or a
 * `model.to_json()` file to load the weights into.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { StrataError } from "../../../errors.js";
import { HDF5_SIGNATURE, readHdf5 } from "../../../io/hdf5.js";
import { loadModel, modelFromJson } from "../../../models/index.js";
import type { Model } from "../../../models/model.js";
import { Progbar } from "../../../utils/progbar.js";

type OutKind = "keras" | "weights" | "legacy";

const WROTE: Record<OutKind, string> = {
  keras: "model",
  weights: "weights",
  legacy: "model, legacy HDF5",
};

function outputKind(path: string): OutKind {
  if (path.endsWith(".keras")) return "keras";
  if (path.endsWith(".weights.h5")) return "weights";
  if (path.endsWith(".h5") || path.endsWith(".hdf5")) return "legacy";
  throw new StrataError(
    `convert: cannot tell the format of "${path}" from its name: expected a name ending in ` +
      `".keras" (the whole model), ".weights.h5" (the weights only) or ".h5" / ".hdf5" ` +
      `(the whole model in Keras's legacy HDF5 format)`,
  );
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new StrataError(`convert: could not read "${path}" (${(err as Error).message})`);
  }
}

/** Whether a file holds weights only: an HDF5 file without a legacy model's `model_config`. */
function isWeightsOnly(bytes: Uint8Array, path: string): boolean {
  if (!HDF5_SIGNATURE.every((b, i) => bytes[i] === b)) return false;
  return !readHdf5(bytes, path).attrs().has("model_config");
}

/** The model an `--architecture` file describes: a model file, or Keras's `to_json()` text. */
async function architecture(path: string): Promise<Model> {
  if (path.endsWith(".json")) {
    const text = new TextDecoder().decode(await readInput(path));
    return modelFromJson(text);
  }
  return loadModel(path);
}

export function registerConvert(program: Command): void {
  program
    .command("convert")
    .description("convert a model between Keras's files: .keras, .weights.h5, and legacy .h5")
    .argument("<in>", "a .keras file, a legacy .h5 model, or a weights file (with --architecture)")
    .argument(
      "<out>",
      'the file to write: "….keras" (the model), "….weights.h5" (its weights) or ' +
        '"….h5" / "….hdf5" (the model in the legacy HDF5 format)',
    )
    .option(
      "--architecture <file>",
      "for a weights-only input: the model (.keras, legacy .h5, or to_json() .json) to load them into",
    )
    .action(async (input: string, output: string, flags: { architecture?: string }) => {
      const kind = outputKind(output);
      // Read, load, write: a live line on a terminal, nothing when piped.
      const progress = new Progbar(3, {
        unitName: "stage",
        label: "Converting: ",
        finalWhenNotTTY: false,
      });
      const bytes = await readInput(input);
      progress.update(1);
      let model: Model;
      if (isWeightsOnly(bytes, input)) {
        if (flags.architecture === undefined) {
          throw new StrataError(
            `convert: "${input}" holds weights only, without the model's architecture; pass ` +
              `--architecture FILE (a .keras or legacy .h5 model, or a to_json() .json file)`,
          );
        }
        model = await architecture(flags.architecture);
        await model.loadWeights(input);
      } else {
        model = await loadModel(input);
      }
      progress.update(2);
      if (kind === "weights") await model.saveWeights(output);
      else await model.save(output);
      progress.update(3);
      console.log(`strata convert: wrote ${output} (${WROTE[kind]}) from ${basename(input)}`);
    });
}
