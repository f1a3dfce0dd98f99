import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/**
 * The layers of src/ (ARCHITECTURE.md), lowest first: each folder may import only the folders
 * before it. Known exceptions: backend/ and io/ use tensor/dtype.ts (the dtype vocabulary every
 * layer shares), and autodiff/grad.ts imports ops/ to sum gradients.
 */
const LAYERS = [
  "backend",
  "io",
  "tensor",
  "autodiff",
  "jit",
  "ops",
  "utils",
  "nn",
  "layers",
  "train",
  "data",
  "models",
  "preprocessing",
  "applications",
  "tools",
];
const EXCEPTIONS = { backend: ["tensor/dtype.ts"], io: ["tensor/dtype.ts"], autodiff: ["ops"] };

const layerZones = LAYERS.flatMap((layer, i) => {
  const allowed = [...LAYERS.slice(0, i), ...(EXCEPTIONS[layer] ?? [])];
  const message = `src/${layer} may import only ${allowed.join(", ") || "errors.ts"} from src/ (see ARCHITECTURE.md)`;
  return LAYERS.filter((other) => other !== layer && !allowed.includes(other)).map((other) => {
    // A file-level exception ("tensor/dtype.ts") opens that one file of a folder.
    const files = allowed
      .filter((a) => a.startsWith(`${other}/`))
      .map((a) => a.slice(other.length + 1));
    return {
      target: `./src/${layer}`,
      from: `./src/${other}`,
      except: files.map((f) => `./${f}`),
      message,
    };
  });
});

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "native/build/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // One-way dependencies: no import cycles, and each folder imports only the layers below it.
    files: ["src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": "error",
      "import-x/no-restricted-paths": ["error", { zones: layerZones }],
    },
  },
);
