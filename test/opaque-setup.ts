// Preloaded by `npm run test:opaque` (node --import): every test file then runs on the opaque
// backend unless it picks another, proving no code above backend/ reaches into host arrays.
import { setBackend } from "../src/backend/index.js";
import { registerOpaqueBackend } from "./opaque-backend.js";

registerOpaqueBackend();
setBackend("opaque");
