/** Text and lookup preprocessing layers (TextVectorization, StringLookup, IntegerLookup, Hashing, HashedCrossing). */
export { Hashing, type HashingArgs, type HashingOutputMode } from "./hashing.js";
export {
  HashedCrossing,
  type HashedCrossingArgs,
  type HashedCrossingOutputMode,
} from "./hashed-crossing.js";
export {
  IndexLookup,
  type IndexLookupArgs,
  type LookupOutputMode,
  type OovMethod,
  type NumbersLike,
} from "./index-lookup.js";
export { StringLookup, type StringLookupArgs } from "./string-lookup.js";
export { IntegerLookup, type IntegerLookupArgs } from "./integer-lookup.js";
export {
  TextVectorization,
  type TextVectorizationArgs,
  type TextVectorizationOutputMode,
} from "./text-vectorization.js";
