// Method forms of the common ops (`x.add(y)`, `x.matmul(w)`), attached to Tensor here so the
// tensor layer itself carries no math.
export {};
