// Cropping1D/3D, ZeroPadding1D/3D and UpSampling1D/3D against index loops written here, in both
// data formats, with unknown batch, config and .keras round trips.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import {
  Cropping1D,
  Cropping3D,
  UpSampling1D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding3D,
} from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";

/** x[i] = i + 1 over the shape, so every cell is distinct. */
function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return st.tensor(
    Float32Array.from({ length: n }, (_, i) => i + 1),
    shape,
  );
}

/** A reference built cell by cell: out[idx] = f(idx), where f returns the input cell or 0. */
function build(shape: number[], f: (idx: number[]) => number): number[] {
  const out: number[] = [];
  const idx = shape.map(() => 0);
  const n = shape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < n; k++) {
    let r = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = r % shape[d]!;
      r = Math.floor(r / shape[d]!);
    }
    out.push(f(idx));
  }
  return out;
}

function at(x: Tensor, idx: number[]): number {
  let k = 0;
  for (let d = 0; d < idx.length; d++) k = k * x.shape[d]! + idx[d]!;
  return x.dataSync()[k] as number;
}

describe("Cropping1D", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new Cropping1D({ dtype, cropping: [1, 2] }), {
      inputShape: [2, 6, 3],
      expectedOutputShape: [2, 3, 3],
    });
  });
  it("defaults to (1, 1) and keeps the middle steps", () => {
    const x = iota([2, 5, 2]);
    const y = new Cropping1D().apply(x) as Tensor;
    assertClose(
      y,
      build([2, 3, 2], ([b, t, c]) => at(x, [b!, t! + 1, c!])),
    );
  });
  it("rejects crops that leave nothing", () => {
    assert.throws(() => new Cropping1D({ cropping: 3 }).apply(st.zeros([1, 6, 1])), /smaller/);
  });
  it("config has Keras's keys", () => {
    assert.deepEqual(serializeLayer(new Cropping1D({ name: "c", cropping: 2 })).config, {
      name: "c",
      trainable: true,
      dtype: serializeLayer(new Cropping1D()).config.dtype,
      cropping: [2, 2],
    });
  });
  it("round-trips through a .keras file", async () => {
    await kerasRoundTrip(new Cropping1D({ cropping: [0, 2] }), iota([2, 5, 3]));
  });
});

describe("Cropping3D", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new Cropping3D({ dtype, cropping: [[1, 0], 1, [0, 2]] }), {
      inputShape: [2, 3, 4, 5, 2],
      expectedOutputShape: [2, 2, 2, 3, 2],
    });
  });
  for (const df of ["channels_last", "channels_first"] as const) {
    it(`crops every spatial axis (${df})`, () => {
      const shape = df === "channels_last" ? [1, 4, 5, 6, 2] : [1, 2, 4, 5, 6];
      const x = iota(shape);
      const cropping = [
        [1, 0],
        [1, 2],
        [0, 3],
      ];
      const y = new Cropping3D({ cropping, dataFormat: df }).apply(x) as Tensor;
      const off = df === "channels_last" ? 1 : 2;
      const outShape = [...shape];
      cropping.forEach(([a, b], i) => (outShape[off + i] = shape[off + i]! - a! - b!));
      assert.deepEqual(y.shape, outShape);
      assertClose(
        y,
        build(outShape, (idx) =>
          at(
            x,
            idx.map((v, d) => (d >= off && d < off + 3 ? v + cropping[d - off]![0]! : v)),
          ),
        ),
      );
    });
  }
  it("keeps an unknown batch and spatial axis unknown", () => {
    const y = new Cropping3D().apply(Input({ shape: [null, 4, 4, 3] }));
    assert.deepEqual(y.shape, [null, null, 2, 2, 3]);
  });
  it("rejects bad arguments", () => {
    assert.throws(() => new Cropping3D({ cropping: [1, 2] }), /cropping must be/);
    assert.throws(
      () => new Cropping3D({ dataFormat: "channels_middle" as "channels_last" }),
      /dataFormat/,
    );
    assert.throws(() => new Cropping3D().apply(st.zeros([1, 2, 2, 2])), /rank 5/);
  });
  it("round-trips through a .keras file", async () => {
    const layer = new Cropping3D({ cropping: [1, [0, 1], 0], dataFormat: "channels_first" });
    const roundTripped = deserializeLayer(serializeLayer(layer)) as Cropping3D;
    assert.deepEqual(roundTripped.getConfig(), layer.getConfig());
    await kerasRoundTrip(layer, iota([2, 2, 3, 3, 3]));
  });
});

describe("ZeroPadding1D", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new ZeroPadding1D({ dtype, padding: [2, 1] }), {
      inputShape: [2, 3, 2],
      expectedOutputShape: [2, 6, 2],
    });
  });
  for (const df of ["channels_last", "channels_first"] as const) {
    it(`pads the steps axis (${df})`, () => {
      const x = iota([2, 3, 4]);
      const y = new ZeroPadding1D({ padding: [1, 2], dataFormat: df }).apply(x) as Tensor;
      const axis = df === "channels_last" ? 1 : 2;
      const outShape = [...x.shape];
      outShape[axis] = outShape[axis]! + 3;
      assertClose(
        y,
        build(outShape, (idx) => {
          const t = idx[axis]! - 1;
          if (t < 0 || t >= x.shape[axis]!) return 0;
          return at(
            x,
            idx.map((v, d) => (d === axis ? t : v)),
          );
        }),
      );
    });
  }
  it("config has Keras's keys", () => {
    const c = serializeLayer(new ZeroPadding1D({ padding: 3 })).config;
    assert.deepEqual(c.padding, [3, 3]);
    assert.equal(c.data_format, "channels_last");
  });
  it("round-trips through a .keras file", async () => {
    await kerasRoundTrip(new ZeroPadding1D({ padding: [0, 2] }), iota([2, 3, 2]));
  });
});

describe("ZeroPadding3D", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new ZeroPadding3D({ dtype, padding: [1, [0, 1], 2] }), {
      inputShape: [1, 2, 2, 2, 3],
      expectedOutputShape: [1, 4, 3, 6, 3],
    });
  });
  for (const df of ["channels_last", "channels_first"] as const) {
    it(`pads every spatial axis (${df})`, () => {
      const shape = df === "channels_last" ? [1, 2, 3, 2, 2] : [1, 2, 2, 3, 2];
      const x = iota(shape);
      const padding = [
        [1, 0],
        [0, 2],
        [1, 1],
      ];
      const y = new ZeroPadding3D({ padding, dataFormat: df }).apply(x) as Tensor;
      const off = df === "channels_last" ? 1 : 2;
      const outShape = [...shape];
      padding.forEach(([a, b], i) => (outShape[off + i] = shape[off + i]! + a! + b!));
      assertClose(
        y,
        build(outShape, (idx) => {
          const src = idx.map((v, d) => (d >= off && d < off + 3 ? v - padding[d - off]![0]! : v));
          return src.every((v, d) => v >= 0 && v < shape[d]!) ? at(x, src) : 0;
        }),
      );
    });
  }
  it("keeps the input dtype", () => {
    const y = new ZeroPadding3D().apply(st.ones([1, 1, 1, 1, 1], "int32")) as Tensor;
    assert.equal(y.dtype, "int32");
    assert.equal(y.size, 27);
  });
  it("round-trips through a .keras file", async () => {
    await kerasRoundTrip(new ZeroPadding3D({ padding: 1 }), iota([2, 1, 2, 1, 2]));
  });
});

describe("UpSampling1D", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new UpSampling1D({ dtype, size: 3 }), {
      inputShape: [2, 3, 2],
      expectedOutputShape: [2, 9, 2],
    });
  });
  it("repeats each step (Keras's docstring example)", () => {
    // keras: x = np.arange(12).reshape((2, 2, 3)); UpSampling1D(size=2)(x)
    const x = st.tensor(
      Array.from({ length: 12 }, (_, i) => i),
      [2, 2, 3],
    );
    assertClose(new UpSampling1D({ size: 2 }).apply(x) as Tensor, [
      [
        [0, 1, 2],
        [0, 1, 2],
        [3, 4, 5],
        [3, 4, 5],
      ],
      [
        [6, 7, 8],
        [6, 7, 8],
        [9, 10, 11],
        [9, 10, 11],
      ],
    ]);
  });
  it("rejects a size that is not a positive integer", () => {
    assert.throws(() => new UpSampling1D({ size: 0 }), /positive integer/);
    assert.throws(() => new UpSampling1D({ size: [2] as unknown as number }), /positive integer/);
  });
  it("round-trips through a .keras file", async () => {
    await kerasRoundTrip(new UpSampling1D({ size: 2 }), iota([2, 3, 2]));
  });
});

describe("UpSampling3D", () => {
  it("runs the layer lifecycle", () => {
    runLayerTest((dtype) => new UpSampling3D({ dtype, size: [1, 2, 3] }), {
      inputShape: [1, 2, 2, 2, 2],
      expectedOutputShape: [1, 2, 4, 6, 2],
    });
  });
  for (const df of ["channels_last", "channels_first"] as const) {
    it(`repeats every spatial cell (${df})`, () => {
      const shape = [1, 2, 3, 2, 2];
      const x = iota(shape);
      const size = [2, 1, 3];
      const off = df === "channels_last" ? 1 : 2;
      const y = new UpSampling3D({ size, dataFormat: df }).apply(x) as Tensor;
      const outShape = [...shape];
      size.forEach((f, i) => (outShape[off + i] = shape[off + i]! * f));
      assertClose(
        y,
        build(outShape, (idx) =>
          at(
            x,
            idx.map((v, d) => (d >= off && d < off + 3 ? Math.floor(v / size[d - off]!) : v)),
          ),
        ),
      );
    });
  }
  it("keeps unknown axes unknown", () => {
    const y = new UpSampling3D({ dataFormat: "channels_first" }).apply(
      Input({ shape: [2, null, 3, 4] }),
    );
    assert.deepEqual(y.shape, [null, 2, null, 6, 8]);
  });
  it("round-trips through a .keras file", async () => {
    await kerasRoundTrip(new UpSampling3D({ size: 2 }), iota([1, 1, 2, 1, 2]));
  });
});
