/**
 * st.Operation, Keras's base for user computations: `apply` runs `call` on tensors and, given
 * KerasTensors, records a node (output shapes from `computeOutputSpec`) that a functional Model
 * runs on real data. Expected values are computed by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

/** x * scale + y */
class ScaleAdd extends st.Operation {
  readonly scale: number;
  constructor(args: { scale?: number; name?: string } = {}) {
    super({ name: args.name });
    this.scale = args.scale ?? 1;
  }
  override call(x: st.Tensor, y: st.Tensor): st.Tensor {
    return st.ops.add(st.ops.multiply(x, this.scale), y);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale };
  }
}

describe("Operation", () => {
  it("runs call on tensors", () => {
    const op = new ScaleAdd({ scale: 2 });
    const out = op.apply(st.tensor([1, 2, 3]), st.tensor([10, 20, 30])) as st.Tensor;
    assert.deepEqual(out.toArray(), [12, 24, 36]);
  });

  it("names itself after its class, refuses a name with '/', and round-trips its config", () => {
    const a = new ScaleAdd();
    assert.match(a.name, /^scale_add(_\d+)?$/);
    assert.equal(new ScaleAdd({ name: "mine" }).name, "mine");
    assert.throws(() => new ScaleAdd({ name: "a/b" }), /cannot contain character `\/`/);
    const op = new ScaleAdd({ scale: 3, name: "s3" });
    assert.deepEqual(op.getConfig(), { name: "s3", scale: 3 });
    const back = ScaleAdd.fromConfig(op.getConfig());
    assert.ok(back instanceof ScaleAdd);
    assert.equal(back.scale, 3);
    assert.equal(back.name, "s3");
    assert.equal(String(op), "<Operation name=s3>");
    class Bad extends st.Operation {
      constructor(config: { name?: string; size?: number }) {
        super(config);
        if (config.size === undefined) throw new Error("size is required");
      }
    }
    assert.throws(() => Bad.fromConfig({ name: "b" }), {
      message:
        /^Error when deserializing class 'Bad' using config=\{"name":"b"\}\.\n\nException encountered: size is required/,
    });
  });

  it("records a node on KerasTensors that a functional model runs", () => {
    const x = st.Input({ shape: [3] });
    const y = st.Input({ shape: [3] });
    const op = new ScaleAdd({ scale: 2, name: "scale_add_node" });
    const z = op.apply(x, y) as st.KerasTensor;
    assert.ok(z instanceof st.KerasTensor);
    assert.deepEqual(z.shape, [null, 3]);
    assert.equal(z.dtype, "float32");
    assert.deepEqual(op.input, [x, y]);
    assert.equal(op.output, z);
    const dense = new st.layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" });
    const model = new st.Model({ inputs: [x, y], outputs: dense.apply(z) });
    // rows: 2x + y = [2+1, 4+1, 6+1] = [3, 5, 7], summed by the all-ones kernel: 15
    const out = model.apply([st.tensor([[1, 2, 3]]), st.tensor([[1, 1, 1]])]);
    assertClose(out, [[15]]);
    assert.ok(model.operations.some((l) => l.name === "scale_add_node"));
  });

  it("uses computeOutputSpec when a subclass gives it", () => {
    let seen: st.KerasTensor | null = null;
    class RowSum extends st.Operation {
      override call(x: st.Tensor): st.Tensor {
        return st.ops.sum(x, -1);
      }
      override computeOutputSpec(x: st.KerasTensor): st.KerasTensor {
        seen = x;
        return new st.KerasTensor(x.shape.slice(0, -1), x.dtype);
      }
    }
    const x = st.Input({ shape: [4] });
    const out = new RowSum().apply(x) as st.KerasTensor;
    assert.deepEqual(out.shape, [null]);
    assert.ok(seen !== null && (seen as st.KerasTensor).shape.length === 2);
    const model = new st.Model({ inputs: x, outputs: out });
    assertClose(
      model.apply(
        st.tensor([
          [1, 2, 3, 4],
          [0, 0, 0, 1],
        ]),
      ),
      [10, 1],
    );
  });

  it("infers output shapes by default, unknown sizes staying unknown", () => {
    class Twice extends st.Operation {
      override call(x: st.Tensor): st.Tensor {
        return st.ops.concatenate([x, x], 1);
      }
    }
    const spec = new Twice().computeOutputSpec(new st.KerasTensor([null, 3, 2])) as st.KerasTensor;
    assert.ok(spec instanceof st.KerasTensor);
    assert.deepEqual(spec.shape, [null, 6, 2]);
    const x = new st.KerasTensor([5, null], "int32");
    const out = new Twice().apply(x) as st.KerasTensor;
    assert.deepEqual(out.shape, [5, null]);
    assert.equal(out.dtype, "int32");
  });

  it("keeps an object of outputs in that structure, and runs shared in one model", () => {
    class Split extends st.Operation {
      override call(x: st.Tensor): { pos: st.Tensor; neg: st.Tensor } {
        return { pos: st.ops.relu(x), neg: st.ops.relu(st.ops.negative(x)) };
      }
    }
    const split = new Split({ name: "split" });
    const x = st.Input({ shape: [2] });
    const first = split.apply(x) as { pos: st.KerasTensor; neg: st.KerasTensor };
    assert.ok(first.pos instanceof st.KerasTensor && first.neg instanceof st.KerasTensor);
    const again = split.apply(first.neg) as { pos: st.KerasTensor; neg: st.KerasTensor };
    assert.equal(split.inboundNodes.length, 2);
    const model = new st.Model({ inputs: x, outputs: [first.pos, again.pos] });
    const [pos, negPos] = model.apply(st.tensor([[-1, 2]])) as unknown as st.Tensor[];
    assertClose(pos!, [[0, 2]]);
    assertClose(negPos!, [[1, 0]]);
    const eager = split.apply(st.tensor([3, -4])) as { pos: st.Tensor; neg: st.Tensor };
    assertClose(eager.neg, [0, 4]);
  });

  it("says what went wrong: no call, an input never given, inference that fails", () => {
    class Empty extends st.Operation {}
    assert.throws(() => new Empty().apply(st.tensor([1])), /Empty\.call\(\) is not implemented/);
    assert.throws(() => new Empty({ name: "e" }).output, {
      message: "The operation e has never been called and thus has no defined output.",
    });
    class NeedsFour extends st.Operation {
      override call(x: st.Tensor): st.Tensor {
        return st.ops.reshape(x, [4]);
      }
    }
    assert.throws(() => new NeedsFour({ name: "nf" }).apply(new st.KerasTensor([3])), {
      message:
        /Could not automatically infer the output shape \/ dtype of 'nf' \(of type NeedsFour\)\. Either the `NeedsFour\.call\(\)` method is incorrect/,
    });
  });

  it("is written into a model's Keras config and read back as a custom object", () => {
    const x = st.Input({ shape: [3] });
    const op = new ScaleAdd({ scale: 2, name: "sa" });
    const first = op.apply(x, x) as st.KerasTensor; // 3x
    const second = op.apply(first, x) as st.KerasTensor; // 2 * 3x + x = 7x
    const model = new st.Model({ inputs: x, outputs: second });
    const config = JSON.parse(JSON.stringify(model.getConfig())) as {
      layers: { class_name: string; name: string; config: Record<string, unknown> }[];
    };
    const nodes = config.layers.filter((l) => l.class_name === "ScaleAdd");
    assert.deepEqual(
      nodes.map((l) => l.config),
      [
        { name: "sa", scale: 2 },
        { name: "sa_1", scale: 2 },
      ],
    );
    assert.throws(
      () => st.Model.fromConfig(structuredClone(config)),
      /unknown layer class "ScaleAdd"/,
    );
    const copy = st.Model.fromConfig(structuredClone(config), { ScaleAdd });
    assertClose(copy.apply(st.tensor([[1, 2, -1]])), [[7, 14, -7]]);
    assert.deepEqual(copy.getConfig(), model.getConfig());
  });

  it("refuses to write a call with a tensor constant, and a Function into a config", () => {
    const x = st.Input({ shape: [2] });
    const withConstant = new st.Model({
      inputs: x,
      outputs: new ScaleAdd({ name: "sc" }).apply(x, st.tensor([1, 2])),
    });
    assert.throws(() => withConstant.getConfig(), /ScaleAdd was called with a tensor constant/);
    const k = new st.KerasTensor([null, 2]);
    const fn = new st.Function(k, st.ops.negative(k), "neg");
    assert.throws(() => fn.getConfig(), /Function "neg" cannot be serialized/);
  });
});
