// Where the Keras-written fixtures are: the six Keras 3.16 models in ../shared/fixtures/keras
// (or $STRATA_KERAS_FIXTURES), and the one this project ships so the checks run without them.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SHIPPED = new URL("fixtures/keras/", import.meta.url).pathname;
export const FIXTURES =
  process.env.STRATA_KERAS_FIXTURES ??
  new URL("../../shared/fixtures/keras/", import.meta.url).pathname;
export const NAMES = ["mlp", "convnet", "conv_zoo", "seq", "multi", "attn"];
export const haveFixtures = existsSync(`${FIXTURES}/mlp.keras`);

/** Runs `fn` in a fresh temporary directory, removed afterwards whatever happens. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "strata-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
