import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { TENSORBOARD_PROTO_SCHEMA } from "../../../src/tools/tensorboard/schema.gen.js";
// @ts-expect-error -- a plain .mjs script without types, shared with the generator.
import { loadTensorBoardProtoJson } from "../../../scripts/tensorboard-proto-load.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

test("schema.gen.ts is the descriptor of the vendored .proto files (rerun the generator if not)", () => {
  const fresh = (loadTensorBoardProtoJson as (dir: string) => unknown)(
    join(root, "src/tools/tensorboard/proto"),
  );
  assert.deepEqual(
    JSON.parse(JSON.stringify(TENSORBOARD_PROTO_SCHEMA)),
    JSON.parse(JSON.stringify(fresh)),
    "run: node scripts/gen-tensorboard-proto.mjs",
  );
});
