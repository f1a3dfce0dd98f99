// Adaptive average and max pooling (Keras 3.16) against float64 loops over PyTorch-style bins
// written here, in both data formats, with gradients, unknown batch and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import {
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
} from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";

/** Reference: channels-last input data, pooled over every box of bins in float64. */
function reference(
  x: Tensor,
  out: number[],
  mode: "avg" | "max",
  channelsFirst: boolean,
): { data: number[]; shape: number[] } {
  const data = Array.from(x.dataSync() as Float32Array);
  const shape = [...x.shape] as number[];
  const nd = out.length;
  const spatial = channelsFirst ? shape.slice(2) : shape.slice(1, 1 + nd);
  const channels = channelsFirst ? shape[1]! : shape[1 + nd]!;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const offset = (b: number, c: number, pos: number[]): number => {
    const idx = channelsFirst ? [b, c, ...pos] : [b, ...pos, c];
    return idx.reduce((acc, v, d) => acc + v * strides[d]!, 0);
  };
  const bins = (L: number, o: number, i: number) => [
    Math.floor((i * L) / o),
    Math.ceil(((i + 1) * L) / o),
  ];
  const outShape = channelsFirst ? [shape[0]!, channels, ...out] : [shape[0]!, ...out, channels];
  const result = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
  const outStrides = outShape.map((_, d) => outShape.slice(d + 1).reduce((a, b) => a * b, 1));
  const cells = out.reduce((a, b) => a * b, 1);
  for (let b = 0; b < shape[0]!; b++)
    for (let c = 0; c < channels; c++)
      for (let k = 0; k < cells; k++) {
        const o: number[] = [];
        let r = k;
        for (let d = nd - 1; d >= 0; d--) {
          o[d] = r % out[d]!;
          r = Math.floor(r / out[d]!);
        }
        const ranges = o.map((i, d) => bins(spatial[d]!, out[d]!, i));
        let acc = mode === "max" ? -Infinity : 0;
        let n = 0;
        const walk = (d: number, pos: number[]): void => {
          if (d === nd) {
            const v = data[offset(b, c, pos)]!;
            acc = mode === "max" ? Math.max(acc, v) : acc + v;
            n++;
            return;
          }
          for (let p = ranges[d]![0]!; p < ranges[d]![1]!; p++) walk(d + 1, [...pos, p]);
        };
        walk(0, []);
        const idx = channelsFirst ? [b, c, ...o] : [b, ...o, c];
        result[idx.reduce((a, v, d) => a + v * outStrides[d]!, 0)] = mode === "max" ? acc : acc / n;
      }
  return { data: result, shape: outShape };
}

const CASES = [
  { nd: 1, Avg: AdaptiveAveragePooling1D, Max: AdaptiveMaxPooling1D, spatial: [7], out: [3] },
  { nd: 2, Avg: AdaptiveAveragePooling2D, Max: AdaptiveMaxPooling2D, spatial: [5, 4], out: [3, 3] },
  {
    nd: 3,
    Avg: AdaptiveAveragePooling3D,
    Max: AdaptiveMaxPooling3D,
    spatial: [3, 5, 2],
    out: [2, 3, 4],
  },
];

describe("adaptive pooling", () => {
  it("bins are floor(i·L/out) .. ceil((i+1)·L/out): a hand-computed 1-D case", () => {
    // L = 5, out = 3: bins [0, 2), [1, 4), [3, 5)
    const x = st.tensor([1, 2, 3, 4, 5], [1, 5, 1]);
    assertClose(new AdaptiveAveragePooling1D({ outputSize: 3 }).apply(x) as Tensor, [
      [[1.5], [3], [4.5]],
    ]);
    assertClose(new AdaptiveMaxPooling1D({ outputSize: 3 }).apply(x) as Tensor, [[[2], [4], [5]]]);
    // upsampling when out > L: L = 2, out = 3: bins [0, 1), [0, 2), [1, 2)
    const y = st.tensor([2, 6], [1, 2, 1]);
    assertClose(new AdaptiveAveragePooling1D({ outputSize: 3 }).apply(y) as Tensor, [
      [[2], [4], [6]],
    ]);
  });

  for (const { nd, Avg, Max, spatial, out } of CASES) {
    for (const df of ["channels_last", "channels_first"] as const) {
      for (const [mode, C] of [
        ["avg", Avg],
        ["max", Max],
      ] as const) {
        it(`${C.name} matches the reference (${df})`, () => {
          const shape = df === "channels_last" ? [2, ...spatial, 3] : [2, 3, ...spatial];
          const x = st.random.normal(shape, { seed: 5 + nd });
          const y = new C({ outputSize: out, dataFormat: df }).apply(x) as Tensor;
          const ref = reference(x, out, mode, df === "channels_first");
          assert.deepEqual(y.shape, ref.shape);
          assertClose(y, ref.data, { rtol: 1e-5, atol: 1e-6 });
        });
      }
    }
    for (const C of [Avg, Max]) {
      it(`${C.name} runs the layer lifecycle with gradients`, () => {
        runLayerTest((dtype) => new C({ dtype, outputSize: out }), {
          inputShape: [2, ...spatial, 2],
          expectedOutputShape: [2, ...out, 2],
        });
      });
    }
  }

  it("an int outputSize applies to every axis; unknown batch stays unknown", () => {
    const y = new AdaptiveMaxPooling3D({ outputSize: 2 }).apply(Input({ shape: [4, 4, 4, 3] }));
    assert.deepEqual(y.shape, [null, 2, 2, 2, 3]);
    const z = new AdaptiveAveragePooling2D({
      outputSize: [1, 2],
      dataFormat: "channels_first",
    }).apply(Input({ shape: [3, 5, 5] }));
    assert.deepEqual(z.shape, [null, 3, 1, 2]);
  });

  it("config has Keras's keys", () => {
    const c = serializeLayer(new AdaptiveAveragePooling2D({ outputSize: 4, name: "p" }));
    assert.equal(c.class_name, "AdaptiveAveragePooling2D");
    assert.deepEqual(c.config.output_size, [4, 4]);
    assert.equal(c.config.data_format, "channels_last");
  });

  it("rejects bad arguments", () => {
    assert.throws(() => new AdaptiveMaxPooling2D({ outputSize: [2, 2, 2] }), /outputSize/);
    assert.throws(() => new AdaptiveMaxPooling1D({ outputSize: 0 }), /outputSize/);
    assert.throws(
      () => new AdaptiveMaxPooling1D({ outputSize: 2 }).apply(st.zeros([1, 4, 4, 1])),
      /rank 3/,
    );
  });

  it("round-trips through a .keras file", async () => {
    await kerasRoundTrip(
      new AdaptiveMaxPooling2D({ outputSize: [2, 3], dataFormat: "channels_first" }),
      st.random.normal([2, 2, 5, 7], { seed: 3 }),
    );
    await kerasRoundTrip(
      new AdaptiveAveragePooling1D({ outputSize: 4 }),
      st.random.normal([2, 9, 2], { seed: 4 }),
    );
  });
});
