/** Text and lookup preprocessing layers (TextVectorization, StringLookup, IntegerLookup, Hashing, HashedCrossing). */
export { Hashing, type HashingArgs, type HashingOutputMode } from "./hashing.js";
export {
  HashedCrossing,
  type HashedCrossingArgs,
  type HashedCrossingOutputMode,
} from "./hashed-crossing.js";
export {
  IndexLookup,
  vocabularyLines,
  type IndexLookupArgs,
  type LookupOutputMode,
  type OovMethod,
  type AdaptData,
  type NumbersLike,
} from "./index-lookup.js";
export { StringLookup, compareUtf8, type StringLookupArgs } from "./string-lookup.js";
export { IntegerLookup, type IntegerLookupArgs } from "./integer-lookup.js";
