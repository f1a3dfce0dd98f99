/** Masks travel beside the tensors they belong to, as Keras's `_keras_mask` attribute does. */
import type { Tensor } from "../tensor/tensor.js";

const masks = new WeakMap<Tensor, Tensor>();

export function maskOf(t: Tensor): Tensor | null {
  return masks.get(t) ?? null;
}

/** Attaches `mask` to the layer output `t` (Layer.apply does this for each output). */
export function setMask(t: Tensor, mask: Tensor): void {
  masks.set(t, mask);
}
