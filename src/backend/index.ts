// The built-in backends register themselves on import; none loads until it is first used.
import "./native/index.js";
import "./ts/index.js";
import "./reference/index.js";

export {
  type ActiveBackend,
  type BackendLoader,
  backendNamed,
  currentBackend,
  getBackend,
  getNumThreads,
  listBackends,
  registerBackend,
  setBackend,
  setNumThreads,
} from "./registry.js";
export {
  type Recorder,
  type RecordedVariable,
  activeRecorder,
  freshHostStorage,
  kernelsForOps,
  noteRandomDraw,
  noteRewind,
  setRecorder,
  storageTag,
  tagStorage,
} from "./recording.js";
