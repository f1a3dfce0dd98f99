/**
 * A StrataError raised while a file's contents were turned into a model or its weights (an
 * unknown layer class in its config, a weight of the wrong shape) says which file it came from:
 * the same error class, with `prefix: ` before a message that does not name `file` yet. Any other
 * error is returned as it is.
 */
import { StrataError } from "../../errors.js";

export function namingFile(err: unknown, prefix: string, file: string): unknown {
  if (!(err instanceof StrataError) || err.message.includes(file)) return err;
  const Class = err.constructor as new (message: string) => StrataError;
  return new Class(`${prefix}: ${err.message}`);
}
