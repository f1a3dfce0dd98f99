import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError, ValueError } from "../../src/errors.js";

/*
 * st.jit: a function traced on its first calls and replayed after, checked against the same
 * function run eagerly on the same inputs (the replay runs the same kernels, so bit-identical).
 */

const same = (a: st.Tensor, b: st.Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  assert.equal(a.dtype, b.dtype);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
};

describe("st.jit", () => {
  it("replays a function on new inputs with the eager results, bit for bit", () => {
    const f = (x: st.Tensor, w: st.Tensor) =>
      st.ops.softmax(st.ops.relu(st.ops.add(st.ops.matmul(x, w), 0.5)));
    const g = st.jit(f);
    for (let i = 0; i < 6; i++) {
      const x = st.random.normal([5, 4]);
      const w = st.random.normal([4, 3]);
      same(g(x, w), f(x, w));
    }
    const s = g.stats();
    assert.equal(s.traced, 2);
    assert.equal(s.replayed, 4);
    assert.equal(s.compiledSignatures, 1);
    assert.ok(s.programs[0]!.kernelCalls >= 3);
  });

  it("traces again for new shapes, dtypes or other non-tensor arguments", () => {
    const g = st.jit((x: st.Tensor, k: number) => st.ops.multiply(x, k));
    for (let i = 0; i < 3; i++) {
      same(g(st.ones([2]), 3), st.full([2], 3));
      same(g(st.ones([3]), 3), st.full([3], 3));
      same(g(st.ones([2]), 4), st.full([2], 4));
    }
    assert.equal(g.stats().compiledSignatures, 3);
    assert.equal(g.stats().replayed, 3);
  });

  it("replays variable reads and assignments in order", () => {
    const v = new st.Variable(st.zeros([2]));
    const eager = new st.Variable(st.zeros([2]));
    const step = (target: st.Variable) => (x: st.Tensor) => {
      target.assign(st.ops.add(target, x));
      return st.ops.multiply(target, 2);
    };
    const g = st.jit(step(v));
    for (let i = 1; i <= 5; i++) {
      const x = st.tensor([i, -i]);
      same(g(x), step(eager)(x));
      same(v.value, eager.value);
    }
    assert.deepEqual(Array.from(v.value.dataSync()), [15, -15]);
    assert.equal(g.stats().replayed, 3);
  });

  it("draws new random numbers at each replay, as the eager calls draw them", () => {
    const a = new st.random.SeedGenerator(11);
    const b = new st.random.SeedGenerator(11);
    const f = (sg: st.random.SeedGenerator) => (x: st.Tensor) =>
      st.ops.add(st.random.dropout(x, 0.5, { seed: sg }), st.random.normal([8], { seed: sg }));
    const g = st.jit(f(a));
    const masks = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const out = g(st.ones([8]));
      same(out, f(b)(st.ones([8])));
      masks.add(out.dataSync().join());
    }
    assert.equal(masks.size, 6);
    assert.equal(g.stats().replayed, 4);
  });

  it("runs eagerly where the step reads a value back, and says where with jitCompile: true", () => {
    const f = (x: st.Tensor) => (Number(st.ops.sum(x).item()) > 0 ? st.ops.exp(x) : x);
    const g = st.jit(f);
    for (const v of [1, -1, 2, -2]) same(g(st.full([3], v)), f(st.full([3], v)));
    const s = g.stats();
    assert.equal(s.replayed, 0);
    assert.match(s.eagerSignatures[0]!.reason, /item\(\) reads a value the step computes/);
    const strict = st.jit(f, { jitCompile: true, name: "branchy" });
    assert.throws(
      () => {
        for (let i = 0; i < 3; i++) strict(st.ones([3]));
      },
      (e: unknown) =>
        e instanceof StrataError &&
        /branchy: this step cannot be compiled \(jitCompile: true\): item\(\)/.test(e.message) &&
        /jit\.test\.ts/.test(e.message),
    );
  });

  it("runs eagerly where JavaScript state changes the recording from call to call", () => {
    let k = 0;
    const f = (x: st.Tensor) => st.ops.multiply(x, k++);
    const g = st.jit(f);
    const got = [1, 2, 3, 4, 5].map(() => g(st.ones([2])).dataSync()[0]);
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
    assert.equal(g.stats().replayed, 0);
    assert.match(g.stats().eagerSignatures[0]!.reason, /recording changes from call to call/);
  });

  it("still checks indices at every replay (eager regions)", () => {
    const emb = new st.layers.Embedding(5, 2);
    const g = st.jit((ids: st.Tensor) => emb.apply(ids) as st.Tensor);
    // The first call builds the layer (drawing its weights), so its trace is not kept.
    for (let i = 0; i < 4; i++) g(st.tensor([[0, 4]], undefined, "int32"));
    assert.equal(g.stats().replayed, 1);
    assert.throws(() => g(st.tensor([[0, 5]], undefined, "int32")), ValueError);
    const take = st.jit((x: st.Tensor, i: st.Tensor) => st.ops.take(x, i, 0));
    const x = st.tensor([10, 20, 30]);
    for (let i = 0; i < 3; i++)
      same(take(x, st.tensor([-1, 0], undefined, "int32")), st.tensor([30, 10]));
    assert.throws(() => take(x, st.tensor([3, 0], undefined, "int32")), /out of range/);
  });

  it("gives gradients under a tape by running eagerly", () => {
    const g = st.jit((x: st.Tensor) => st.ops.sum(st.ops.square(x)));
    const x = st.tensor([1, 2, 3]);
    for (let i = 0; i < 3; i++) g(x);
    same(st.grad((t: st.Tensor) => g(t))(x), st.tensor([2, 4, 6]));
  });

  it("reuses buffers within a step: the pool is smaller than what the step allocates", () => {
    const f = (x: st.Tensor) => {
      let y = x;
      for (let i = 0; i < 10; i++) y = st.ops.tanh(st.ops.add(y, 1));
      return y;
    };
    const g = st.jit(f);
    for (let i = 0; i < 3; i++) same(g(st.ones([256])), f(st.ones([256])));
    const p = g.stats().programs[0]!;
    // 20 intermediate [256] float32 results, two alive at a time; the output is fresh.
    assert.ok(p.poolBytes <= 3 * 256 * 4, `pool holds ${p.poolBytes} bytes`);
  });

  it("leaves out kernel calls whose results nothing uses (dead-code removal)", () => {
    const f = (x: st.Tensor) => {
      st.ops.exp(st.ops.square(x)); // computed and dropped
      return st.ops.add(x, 1);
    };
    const g = st.jit(f);
    for (let i = 0; i < 4; i++) same(g(st.tensor([i, 2])), f(st.tensor([i, 2])));
    const p = g.stats().programs[0]!;
    assert.deepEqual([p.kernelCalls, p.removedKernelCalls], [1, 2]);
  });

  it("checks jitCompile", () => {
    assert.throws(
      () => st.jit((x: st.Tensor) => x, { jitCompile: "yes" as never }),
      /jitCompile must be true, false or "auto"; received "yes"/,
    );
  });
});
