/** NumPy's legacy RandomState, replayed: checked against values NumPy 2.4 produced. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ValueError } from "../../src/errors.js";
import { MT19937, RandomState } from "../../src/data/datasets/random-state.js";

const expected = JSON.parse(
  readFileSync(new URL("../fixtures/datasets/random_state.json", import.meta.url), "utf8"),
) as {
  uint32_113: number[];
  permutations: { seed: number; n: number; head: number[]; tail: number[]; sha256: string }[];
};

describe("RandomState", () => {
  it("MT19937 outputs equal NumPy's RandomState(113) draws across two twists", () => {
    const mt = new MT19937(113);
    const got = expected.uint32_113.map(() => mt.nextUint32());
    assert.deepEqual(got, expected.uint32_113);
  });

  for (const { seed, n, head, tail, sha256 } of expected.permutations) {
    it(`permutation(${n}) with seed ${seed} equals NumPy's`, () => {
      const p = new RandomState(seed).permutation(n);
      assert.deepEqual(Array.from(p.subarray(0, 50)), head);
      assert.deepEqual(Array.from(p.subarray(Math.max(0, n - 50))), tail);
      const le = Buffer.from(p.buffer, p.byteOffset, p.byteLength); // little-endian hosts
      assert.equal(createHash("sha256").update(le).digest("hex"), sha256);
    });
  }

  it("shuffle of a JS array follows the same draws as permutation", () => {
    const items = ["a", "b", "c", "d", "e", "f", "g"];
    new RandomState(3).shuffle(items);
    const order = new RandomState(3).permutation(7);
    assert.deepEqual(
      items,
      Array.from(order, (i) => "abcdefg"[i]),
    );
  });

  it("rejects seeds NumPy rejects", () => {
    assert.throws(() => new RandomState(-1), ValueError);
    assert.throws(
      () => new RandomState(2 ** 32),
      /seed must be between 0 and 2\*\*32 - 1\. Received: seed=4294967296/,
    );
    assert.throws(() => new RandomState(1.5), ValueError);
  });
});
