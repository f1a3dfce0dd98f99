/**
 * st.Function (keras.Function): a graph between KerasTensors, called on tensors (eagerly) or on
 * KerasTensors (recording one node), in the structure it was declared with. The cases follow
 * Keras's own function_test.py; expected values are computed by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

const ones = (shape: number[]) => st.ones(shape);

/** Keras's test graph: x = x1 + x2, outputs x * 3 and x ** 2. */
function declare() {
  const x1 = new st.KerasTensor([2, 3]);
  const x2 = new st.KerasTensor([2, 3]);
  const x = st.ops.add(x1, x2);
  return { x1, x2, y1: st.ops.multiply(x, 3), y2: st.ops.power(x, 2) };
}

describe("Function", () => {
  it("is defined from KerasTensors and called on tensors and on KerasTensors", () => {
    const { x1, x2, y1, y2 } = declare();
    const fn = new st.Function([x1, x2], [y1, y2], "test_function");
    assert.equal(fn.name, "test_function");
    assert.deepEqual(fn.inputs, [x1, x2]);
    assert.deepEqual(fn.outputs, [y1, y2]);

    // (1 + 1) * 3 = 6 and (1 + 1) ** 2 = 4
    const out = fn.apply([ones([2, 3]), ones([2, 3])]) as st.Tensor[];
    assert.ok(Array.isArray(out));
    assertClose(out[0]!, new Array(2).fill(new Array(3).fill(6)));
    assertClose(out[1]!, new Array(2).fill(new Array(3).fill(4)));

    const a = new st.KerasTensor([2, 3]);
    const b = new st.KerasTensor([2, 3]);
    const sym = fn.apply([a, b]) as st.KerasTensor[];
    assert.ok(sym[0] instanceof st.KerasTensor && sym[1] instanceof st.KerasTensor);
    assert.deepEqual(sym[0].shape, [2, 3]);
    assert.deepEqual(sym[1].shape, [2, 3]);

    // A Function of a Function's symbolic outputs: one node running the inner one.
    const outer = new st.Function({ inputs: [a, b], outputs: sym });
    const again = outer.apply([ones([2, 3]), st.ops.full([2, 3], 2)]) as st.Tensor[];
    assertClose(again[0]!, new Array(2).fill(new Array(3).fill(9)), {}); // (1 + 2) * 3
    assertClose(again[1]!, new Array(2).fill(new Array(3).fill(9)), {}); // (1 + 2) ** 2
    assert.match(outer.name, /^function(_\d+)?$/);
    assert.deepEqual(
      outer.operations.map((op) => op.className),
      ["Function"],
      "the inner Function is the outer one's single operation",
    );
  });

  it("infers shapes for inputs of other sizes", () => {
    const x = new st.KerasTensor([null, 3]);
    const fn = new st.Function(x, st.ops.power(x, 2));
    const spec = fn.computeOutputSpec(new st.KerasTensor([4, 3])) as st.KerasTensor;
    assert.ok(spec instanceof st.KerasTensor);
    assert.deepEqual(spec.shape, [4, 3]);
    assert.deepEqual(fn.computeOutputShape([null, 3]), [null, 3]);
    const out = fn.apply(new st.KerasTensor([4, 3])) as st.KerasTensor;
    assert.deepEqual(out.shape, [4, 3]);
    assertClose(fn.apply(st.tensor([[1, 2, 3]])) as st.Tensor, [[1, 4, 9]]);
  });

  it("takes and returns objects", () => {
    const { x1, x2, y1, y2 } = declare();
    const fn = new st.Function({ x1, x2 }, { y1, y2 });
    const out = fn.apply({ x1: ones([2, 3]), x2: ones([2, 3]) }) as Record<string, st.Tensor>;
    assert.deepEqual(Object.keys(out), ["y1", "y2"]);
    assertClose(out.y1!, new Array(2).fill(new Array(3).fill(6)));
    assertClose(out.y2!, new Array(2).fill(new Array(3).fill(4)));
    const sym = fn.apply({
      x1: new st.KerasTensor([2, 3]),
      x2: new st.KerasTensor([2, 3]),
    }) as Record<string, st.KerasTensor>;
    assert.ok(sym.y1 instanceof st.KerasTensor);
    assert.deepEqual(sym.y2!.shape, [2, 3]);
  });

  it("refuses a wrong structure, rank or size with Keras's messages", () => {
    const { x1, x2, y1, y2 } = declare();
    const fn = new st.Function([x1, x2], [y1, y2], "test_function");
    assert.throws(() => fn.apply(ones([2, 3])), /invalid input structure/);
    assert.throws(() => fn.apply({ a: ones([2, 3]), b: ones([2, 3]) }), /invalid input structure/);
    assert.throws(() => fn.apply([ones([2, 3, 3]), ones([2, 3])]), {
      message: new RegExp(
        `^Function was passed incompatible inputs\\. For input '${x1.name}', expected shape ` +
          `\\(2, 3\\), but received instead a tensor with shape \\(2, 3, 3\\)\\.$`,
      ),
    });
    assert.throws(() => fn.apply([ones([4, 3]), ones([2, 3])]), /incompatible inputs/);
  });

  it("refuses empty inputs or outputs", () => {
    const x = new st.KerasTensor([null, 3]);
    assert.throws(() => new st.Function(x, []), /^ValueError: `outputs` argument cannot be empty/);
    assert.throws(() => new st.Function([], x), /`inputs` argument cannot be empty/);
  });

  it("runs layers between Inputs, listing its operations in graph order", () => {
    const input = st.Input({ shape: [2], name: "fn_in" });
    const dense = new st.layers.Dense(1, {
      kernelInitializer: "ones",
      biasInitializer: "zeros",
      name: "fn_dense",
    });
    const h = dense.apply(input);
    const out = st.ops.multiply(h, 10);
    const fn = new st.Function(input, out);
    assert.deepEqual(
      fn.operations.map((op) => op.name),
      ["fn_in", "fn_dense", (out.node!.layer as st.layers.Layer).name],
    );
    assertClose(fn.apply(st.tensor([[1, 2]])) as st.Tensor, [[30]]); // (1 + 2) * 10
    // A Function from an intermediate tensor: the layer before it is not part of the Function.
    const tail = new st.Function(h, out);
    assert.deepEqual(tail.operations.length, 1);
    assertClose(tail.apply(st.tensor([[0.5]])) as st.Tensor, [[5]]);
    assert.throws(
      () => new st.Function(h, st.ops.add(out, st.Input({ shape: [1] }))),
      /disconnected/,
    );
  });

  it("runs a user's Operation, which it lists among its operations", () => {
    class Cube extends st.Operation {
      override call(x: st.Tensor): st.Tensor {
        return st.ops.multiply(st.ops.multiply(x, x), x);
      }
    }
    const cube = new Cube({ name: "cube" });
    const x = new st.KerasTensor([null]);
    const fn = new st.Function(x, st.ops.add(cube.apply(x) as st.KerasTensor, 1));
    assert.equal(fn.operations[0], cube);
    assertClose(fn.apply(st.tensor([2, -1])) as st.Tensor, [9, 0]); // 2³ + 1, (-1)³ + 1
  });
});
