/** Text and lookup preprocessing layers (TextVectorization, StringLookup, IntegerLookup, Hashing, HashedCrossing). */
export { Hashing, type HashingArgs, type HashingOutputMode } from "./hashing.js";
export {
  HashedCrossing,
  type HashedCrossingArgs,
  type HashedCrossingOutputMode,
} from "./hashed-crossing.js";
