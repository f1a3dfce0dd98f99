/**
 * Keras's global flash-attention switch (`keras.config.enable_flash_attention` and friends), read by
 * `dotProductAttention` when its `flashAttention` option is left null. As in Keras the setting is
 * null ("auto": use flash attention where the device and inputs allow it; the default, and what
 * `enableFlashAttention` restores) or false (never); `true` exists only as an explicit argument.
 *
 * Strata has no flash-attention kernel: its CPU backends compute attention as softmax(q·kᵀ)·v,
 * which is what "auto" and false both give, so the switch changes no result. An explicit
 * `flashAttention: true` raises, as Keras raises where flash attention is unsupported.
 */

let flashAttention: false | null = null;

/** Keras `enable_flash_attention()`: back to "auto" (null), Keras's default. */
export function enableFlashAttention(): void {
  flashAttention = null;
}

/** Keras `disable_flash_attention()`: attention never uses a flash kernel (false). */
export function disableFlashAttention(): void {
  flashAttention = false;
}

/**
 * Keras `is_flash_attention_enabled()`: false when disabled, otherwise null ("auto"). Like Keras
 * it returns null, not true, when enabled.
 */
export function isFlashAttentionEnabled(): false | null {
  return flashAttention;
}
