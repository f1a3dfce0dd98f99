/**
 * `ops.meshgrid`'s indexing is an option (Keras's keyword `indexing`): a bare "ij" string must
 * not silently become a third, one-string grid axis.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

describe("meshgrid indexing", () => {
  it("as an option gives NumPy's grids; as a bare string it is an error naming the option", () => {
    const [a, b] = st.ops.meshgrid([1, 2], [3, 4, 5], { indexing: "ij" });
    assert.deepEqual(a!.toArray(), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    assert.deepEqual(b!.toArray(), [
      [3, 4, 5],
      [3, 4, 5],
    ]);
    const call = st.ops.meshgrid as (...a: unknown[]) => unknown;
    assert.throws(() => call([1, 2], [3, 4], "ij"), /\{indexing: "ij"\}/);
  });
});
