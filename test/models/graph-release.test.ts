// Graph.run drops each intermediate value after its last reader (Graph.lastReader), so an
// inference pass does not hold every activation of the model at once; outputs are never dropped
// and the values still match a pass that keeps everything.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Input, layers } from "../../src/index.js";
import type { SymbolicTensor } from "../../src/layers/layer.js";
import { Graph } from "../../src/models/graph.js";

describe("Graph: intermediate values are released after their last reader", () => {
  it("maps each value to the last node reading it, a skip connection to its join", () => {
    const inputs = Input({ shape: [3] });
    const x1 = new layers.Dense(3).apply(inputs);
    const x2 = new layers.Dense(3).apply(x1);
    const x3 = new layers.Dense(3).apply(x2);
    const out = new layers.Add().apply([x1, x3]);
    const g = new Graph([inputs], [out], "test");
    const index = (t: SymbolicTensor) => g.nodes.indexOf(t.node!);
    assert.equal(g.lastReader.get(inputs.id), index(x1));
    assert.equal(g.lastReader.get(x1.id), index(out)); // the skip connection lives to the Add
    assert.equal(g.lastReader.get(x2.id), index(x3));
    assert.equal(g.lastReader.get(x3.id), index(out));
    assert.equal(g.lastReader.has(out.id), false);
  });

  it("keeps a value that is also a model output, and computes the same outputs", () => {
    st.random.setSeed(3);
    const inputs = Input({ shape: [2] });
    const hidden = new layers.Dense(4, { activation: "relu" }).apply(inputs);
    const head = new layers.Dense(1).apply(hidden);
    const g = new Graph([inputs], [hidden, head], "test");
    assert.equal(g.lastReader.has(hidden.id), false);
    const x = st.tensor([
      [1, -2],
      [0.5, 3],
    ]);
    const [h, y] = g.run([x], {});
    // The reference: the two Dense layers applied one after the other by hand.
    const [k1, b1] = hidden.node!.layer.getWeights().map((w) => w.toArray() as number[][]);
    const [k2, b2] = head.node!.layer.getWeights().map((w) => w.toArray() as number[][]);
    const rows = x.toArray() as number[][];
    const hRef = rows.map((r) =>
      (b1 as unknown as number[]).map((b, j) =>
        Math.max(0, b + r.reduce((s, v, i) => s + v * k1![i]![j]!, 0)),
      ),
    );
    const yRef = hRef.map((r) => [
      (b2 as unknown as number[])[0]! + r.reduce((s, v, i) => s + v * k2![i]![0]!, 0),
    ]);
    const close = (a: number[][], b: number[][]) =>
      a.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - b[i]![j]!) < 1e-5)));
    close(h!.toArray() as number[][], hRef);
    close(y!.toArray() as number[][], yRef);
  });
});
