/** Text and lookup preprocessing layers (TextVectorization, StringLookup, IntegerLookup, Hashing, HashedCrossing). */
export {};
