// StackedRNNCells (and RNN given a list of cells) against a float64 loop, against the same cells
// run as separate RNN layers, with states, config and .keras round trips in Keras's layout.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { LSTMCell, RNN, SimpleRNNCell, StackedRNNCells } from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import type { SymbolicTensor } from "../../src/layers/layer.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { ZipReader } from "../../src/io/zip.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const arr = (t: Tensor) => Array.from(t.dataSync() as Float32Array, Number);

describe("StackedRNNCells", () => {
  it("two SimpleRNN cells match a float64 loop", () => {
    const a = new SimpleRNNCell(3);
    const b = new SimpleRNNCell(2);
    const rnn = new RNN([a, b], { returnSequences: true });
    assert.ok(rnn.cell instanceof StackedRNNCells);
    const x = st.random.normal([2, 4, 5], { seed: 1 });
    const y = rnn.apply(x) as Tensor;
    assert.deepEqual(y.shape, [2, 4, 2]);
    const [Wa, Ua, ba, Wb, Ub, bb] = rnn.weights.map((w) => arr(w.value));
    const xs = arr(x);
    const cell = (
      inp: number[],
      h: number[],
      W: number[],
      U: number[],
      bias: number[],
      n: number,
    ) =>
      Array.from({ length: n }, (_, j) => {
        let s = bias[j]!;
        inp.forEach((v, i) => (s += v * W[i * n + j]!));
        h.forEach((v, i) => (s += v * U[i * n + j]!));
        return Math.tanh(s);
      });
    const ref: number[] = [];
    for (let bi = 0; bi < 2; bi++) {
      let h1 = [0, 0, 0];
      let h2 = [0, 0];
      for (let t = 0; t < 4; t++) {
        const inp = xs.slice((bi * 4 + t) * 5, (bi * 4 + t) * 5 + 5);
        h1 = cell(inp, h1, Wa!, Ua!, ba!, 3);
        h2 = cell(h1, h2, Wb!, Ub!, bb!, 2);
        ref.push(...h2);
      }
    }
    assertClose(y, ref, { rtol: 1e-5, atol: 1e-6 });
  });

  it("equals the same cells run as stacked RNN layers, states included", () => {
    const lstm = new LSTMCell(3);
    const simple = new SimpleRNNCell(2);
    const stacked = new RNN(new StackedRNNCells([lstm, simple]), { returnState: true });
    const x = st.random.normal([2, 5, 4], { seed: 2 });
    const [y, h1, c1, h2] = stacked.apply(x) as unknown as Tensor[];
    assert.deepEqual(stacked.cell.stateSize, [3, 3, 2]);
    const l1 = new RNN(new LSTMCell(3), { returnSequences: true, returnState: true });
    const l2 = new RNN(new SimpleRNNCell(2), { returnState: true });
    l2.apply((l1.apply(x) as unknown as Tensor[])[0]!); // builds both
    l1.setWeights(lstm.getWeights());
    l2.setWeights(simple.getWeights());
    const [seq2, rh1b, rc1b] = l1.apply(x) as unknown as Tensor[];
    const [ry2, rh2b] = l2.apply(seq2!) as unknown as Tensor[];
    assertClose(y!, ry2!, { rtol: 1e-5, atol: 1e-6 });
    assertClose(h1!, rh1b!, { rtol: 1e-5, atol: 1e-6 });
    assertClose(c1!, rc1b!, { rtol: 1e-5, atol: 1e-6 });
    assertClose(h2!, rh2b!, { rtol: 1e-5, atol: 1e-6 });
  });

  it("runs the layer lifecycle inside RNN, with gradients", () => {
    runLayerTest(
      (dtype) =>
        new RNN(
          new StackedRNNCells([new SimpleRNNCell(3, { dtype }), new LSTMCell(2, { dtype })], {
            dtype,
          }),
          { dtype },
        ),
      {
        inputShape: [2, 3, 4],
        expectedOutputShape: [2, 2],
        expectedWeightShapes: [[4, 3], [3, 3], [3], [3, 8], [2, 8], [8]],
      },
    );
  });

  it("rejects what is not a cell; config round trip", () => {
    assert.throws(() => new StackedRNNCells([]), /non-empty/);
    assert.throws(() => new StackedRNNCells([{} as never]), /RNN cells/);
    const s = serializeLayer(new StackedRNNCells([new SimpleRNNCell(2), new LSTMCell(3)]));
    assert.equal(s.class_name, "StackedRNNCells");
    const cells = s.config.cells as { class_name: string }[];
    assert.deepEqual(
      cells.map((c) => c.class_name),
      ["SimpleRNNCell", "LSTMCell"],
    );
    const back = deserializeLayer(s) as StackedRNNCells;
    assert.deepEqual(back.getConfig(), (deserializeLayer(s) as StackedRNNCells).getConfig());
    assert.deepEqual(back.stateSize, [2, 3, 3]);
  });

  it("round-trips through a .keras file in Keras's container layout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-stacked-"));
    try {
      const input = Input({ shape: [3, 4] });
      const rnn = new RNN([new SimpleRNNCell(2), new SimpleRNNCell(3), new LSTMCell(2)]);
      const model = new st.Model({ inputs: input, outputs: rnn.apply(input) as SymbolicTensor });
      const path = join(dir, "m.keras");
      await model.save(path);
      const zip = new ZipReader(readFileSync(path), path);
      const root = readHdf5(zip.read("model.weights.h5"), "model.weights.h5");
      const base = "layers/rnn/cell/cells";
      assert.deepEqual(root.dataset(`${base}/simple_rnn_cell/vars/0`).shape, [4, 2]);
      assert.deepEqual(root.dataset(`${base}/simple_rnn_cell_1/vars/0`).shape, [2, 3]);
      assert.deepEqual(root.dataset(`${base}/lstm_cell/vars/1`).shape, [2, 8]);
      const x = st.random.normal([2, 3, 4], { seed: 3 });
      const loaded = await st.models.loadModel(path, { compile: false });
      assertClose(loaded.predictOnBatch(x) as Tensor, model.predictOnBatch(x) as Tensor);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
