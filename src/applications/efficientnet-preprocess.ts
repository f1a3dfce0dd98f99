/**
 * The `preprocessInput` of the families that preprocess inside the model (EfficientNet,
 * EfficientNetV2, ConvNeXt): Keras keeps it as a placeholder that returns its input unchanged,
 * the same object, whatever the data format; Strata still refuses unknown options.
 */
import type { DataFormat } from "./imagenet-utils.js";
import { familyPreprocessOptions } from "./application-args.js";

/** A family's pass-through `preprocessInput(x, { dataFormat })`; `where` names it in errors. */
export function passThroughPreprocess(
  where: string,
): <T>(x: T, opts?: { dataFormat?: DataFormat | null }) => T {
  return (x, opts = {}) => {
    familyPreprocessOptions(where, opts);
    return x;
  };
}
