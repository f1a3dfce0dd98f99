/** Numeric and categorical preprocessing layers (Rescaling, Normalization, Discretization, CategoryEncoding, color augmentation). */
export {};
