/**
 * One call of a layer as Keras 1/2 and tf.keras recorded it in a functional config,
 * `[[layer, node, tensor, kwargs?], …]` (one entry per tensor of the first argument, every entry
 * carrying the same kwargs), turned into Keras 3's `{args, kwargs}` so one path replays both.
 *
 * tf.keras stored every call argument past the first as a keyword (`mha(x, x)` and
 * `mha(x, value=x)` both give `{"value": ["input_1", 0, 0]}`), and a tensor among them as a bare
 * `[layer, node, tensor]` list (tf.keras's `_serialize_keras_tensor`); its loader revived every
 * such list (`_deserialize_keras_tensors`). They become Keras 3's `__keras_tensor__` references
 * here. Keras 3 itself passes them on unrevived, so such files fail there.
 */
import { ValueError } from "../errors.js";

type Triple = [string, number, number];

function isTriple(x: unknown): x is Triple {
  return (
    Array.isArray(x) &&
    x.length === 3 &&
    typeof x[0] === "string" &&
    Number.isInteger(x[1]) &&
    Number.isInteger(x[2])
  );
}

const reference = (history: Triple) => ({
  class_name: "__keras_tensor__",
  config: { keras_history: history },
});

/** Tensor references anywhere in a tf.keras kwargs value, as Keras 3's references. */
function reviveReferences(value: unknown): unknown {
  if (isTriple(value)) return reference(value);
  if (Array.isArray(value)) return value.map(reviveReferences);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveReferences(v)]));
  }
  return value;
}

/** Keras 2's node data as Keras 3's: one tensor, or the list of them, as the only argument. */
export function legacyNodeData(
  data: readonly unknown[],
  where: string,
): { args: unknown[]; kwargs: Record<string, unknown> } {
  const tensors = data.map((entry) => {
    if (!Array.isArray(entry) || (entry.length !== 3 && entry.length !== 4)) {
      throw new ValueError(
        `${where}: expected a call recorded as [layer name, node index, tensor index, kwargs?]; ` +
          `received ${JSON.stringify(entry)}`,
      );
    }
    return reference(entry.slice(0, 3) as Triple);
  });
  const kwargs = (data[0] as unknown[] | undefined)?.[3] ?? {};
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) {
    throw new ValueError(
      `${where}: expected the call's keyword arguments as an object; received ${JSON.stringify(kwargs)}`,
    );
  }
  return {
    args: [tensors.length === 1 ? tensors[0] : tensors],
    kwargs: reviveReferences(kwargs) as Record<string, unknown>,
  };
}
