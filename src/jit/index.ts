export {
  type JitCompile,
  type JitFunction,
  type JitOptions,
  type JitStats,
  checkJitCompile,
  jit,
} from "./jit.js";
export { eagerRegion } from "./region.js";
