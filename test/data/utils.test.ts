import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toCategorical } from "../../src/data/utils.js";
import { ValueError } from "../../src/errors.js";
import { tensor } from "../../src/tensor/creation.js";

/** Reference: Keras's to_categorical written out with loops over the flat labels. */
function reference(
  labels: number[],
  shape: number[],
  numClasses?: number,
): { shape: number[]; values: number[] } {
  const c = numClasses ?? Math.max(...labels) + 1;
  const outShape = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  const values: number[] = [];
  for (const l of labels) for (let k = 0; k < c; k++) values.push(k === l ? 1 : 0);
  return { shape: [...outShape, c], values };
}

describe("toCategorical", () => {
  const cases: [string, Parameters<typeof toCategorical>[0], number[], number[], number?][] = [
    ["JS array", [0, 2, 1, 2], [0, 2, 1, 2], [4]],
    ["JS array, numClasses", [0, 2, 1], [0, 2, 1], [3], 5],
    ["[N,1] labels drop the trailing axis", [[1], [0], [3]], [1, 0, 3], [3, 1]],
    [
      "[N,2] labels keep both axes",
      [
        [1, 0],
        [2, 2],
      ],
      [1, 0, 2, 2],
      [2, 2],
    ],
    ["int32 tensor [2,1]", tensor([4, 1], [2, 1], "int32"), [4, 1], [2, 1]],
    ["float tensor of whole numbers", tensor([1, 0, 1]), [1, 0, 1], [3]],
    ["typed array", Int32Array.of(3, 0), [3, 0], [2]],
    ["scalar", 2, [2], []],
    ["a single label of shape [1] keeps its axis", [1], [1], [1], 3],
    ["empty with numClasses", [], [], [0], 3],
  ];
  for (const [name, y, labels, shape, numClasses] of cases) {
    it(name, () => {
      const out = toCategorical(y, numClasses);
      const ref = reference(labels, shape, numClasses);
      assert.equal(out.dtype, "float32");
      assert.deepEqual(out.shape, ref.shape);
      assert.deepEqual(Array.from(out.dataSync()), ref.values);
    });
  }

  it("numClasses 0 or null means max + 1, as Keras's `if not num_classes`", () => {
    assert.deepEqual(toCategorical([1, 0], 0).shape, [2, 2]);
    assert.deepEqual(toCategorical([1, 0], null).shape, [2, 2]);
  });

  it("errors name the offending value", () => {
    assert.throws(
      () => toCategorical([0, 3], 3),
      (err: Error) => {
        assert.ok(err instanceof ValueError);
        assert.match(err.message, /label 3 is out of range for numClasses=3/);
        return true;
      },
    );
    assert.throws(() => toCategorical([0, -1]), /non-negative integers\. Received: y\[1\]=-1/);
    assert.throws(() => toCategorical([0.5]), /Received: y\[0\]=0\.5/);
    assert.throws(() => toCategorical([]), /cannot infer numClasses from an empty y/);
    assert.throws(
      () => toCategorical([1], 2.5),
      /numClasses must be a positive integer\. Received: numClasses=2\.5/,
    );
  });
});
