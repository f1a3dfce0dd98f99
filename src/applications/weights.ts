/**
 * An application's weights: Keras's published ImageNet files (legacy `.h5` weight files, one
 * with the top and one without) fetched from Keras's URLs through `getFile` into the "models"
 * cache and checked against Keras's hashes, or a local file; either is then loaded with
 * `model.loadWeights`'s loader, which matches the file's `layer_names` to the model's layers in order
 * (Keras's legacy `load_weights`).
 */
import { StrataError } from "../errors.js";
import { getFile } from "../data/files/get-file.js";
import type { Model } from "../models/model.js";
import { loadModelWeights } from "../models/saving/weights-files.js";

/**
 * One published weights file: its name in the cache, Keras's URL and Keras's (md5) hash, or null
 * where Keras gives none (MobileNet, MobileNetV2: any cached copy is taken).
 */
export interface WeightsFile {
  fname: string;
  url: string;
  hash: string | null;
}

/**
 * Loads `weights` into `model`: "imagenet" fetches `imagenet` (or takes it from the cache), a
 * path loads that file, null leaves the random initialization.
 */
export async function loadApplicationWeights(
  where: string,
  model: Model,
  weights: string | null,
  imagenet: WeightsFile,
): Promise<void> {
  if (weights === null) return;
  let path = weights;
  if (weights === "imagenet") {
    try {
      path = await getFile(imagenet.fname, imagenet.url, {
        cacheSubdir: "models",
        fileHash: imagenet.hash,
      });
    } catch (e) {
      if (!(e instanceof StrataError)) throw e;
      throw new StrataError(
        `${where}: could not get the ImageNet weights ${imagenet.fname} (${e.message}). ` +
          `Without network, download ${imagenet.url} elsewhere and put it in the cache as ` +
          `shown, or pass its path as weights; weights: null builds the model untrained.`,
      );
    }
  }
  // What `model.loadWeights(path)` runs, called directly so that it needs no registration.
  await loadModelWeights(model, path);
}
