/** `st.version()` (Keras's `keras.version()` and `__version__`): the package's version. */
import { createRequire } from "node:module";

// package.json sits one folder above both src/ and dist/.
const { version: packageVersion } = createRequire(import.meta.url)("../package.json") as {
  version: string;
};

export function version(): string {
  return packageVersion;
}
