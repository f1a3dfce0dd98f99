// Loads TensorBoard's vendored .proto files with protobufjs and returns the JSON descriptor of the
// whole set (Root#toJSON). Shared by the generator (gen-tensorboard-proto.mjs) and the test that
// checks the committed descriptor is current. Imports inside the files name TensorBoard's tree
// ("tensorboard/compat/proto/x.proto"); they resolve to the file of the same name in `dir`.
import { basename, join } from "node:path";
import protobuf from "protobufjs";

export const TENSORBOARD_PROTO_FILES = ["event.proto", "graph.proto"];

export function loadTensorBoardProtoJson(dir) {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(dir, basename(target));
  root.loadSync(TENSORBOARD_PROTO_FILES, { keepCase: false });
  return root.toJSON();
}
