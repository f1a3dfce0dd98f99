import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRequestJson } from "../../../src/tools/serve/json-parse.js";
import { formatFloat, formatG } from "../../../src/tools/serve/predict-response.js";

describe("floats written as TF Serving writes them", () => {
  it("formatG is C's %g (values from printf)", () => {
    const cases: Array<[number, number, string]> = [
      [0.5, 6, "0.5"],
      [1e-5, 6, "1e-05"],
      [0.0001, 6, "0.0001"],
      [123456789, 6, "1.23457e+08"],
      [100000, 6, "100000"],
      [1e6, 6, "1e+06"],
      [-2.5e-7, 6, "-2.5e-07"],
      [9.9999996, 6, "10"],
      [1 / 3, 9, "0.333333333"],
      [1e100, 17, "1e+100"],
      [0, 6, "0"],
    ];
    for (const [v, p, want] of cases) assert.equal(formatG(v, p), want, `%.${p}g of ${v}`);
  });

  it("float32: %.6g when it reads back to the same float32, else %.9g", () => {
    assert.equal(formatFloat(Math.fround(0.1), 9, Math.fround), "0.1");
    assert.equal(formatFloat(Math.fround(0.2), 9, Math.fround), "0.2");
    assert.equal(formatFloat(Math.fround(1 / 3), 9, Math.fround), "0.333333343");
    assert.equal(formatFloat(Math.fround(16777217), 9, Math.fround), "16777216");
    assert.equal(formatFloat(NaN, 9, Math.fround), "NaN");
    assert.equal(formatFloat(-Infinity, 9, Math.fround), "-Infinity");
    assert.equal(
      formatFloat(0.1, 17, (x) => x),
      "0.1",
    );
    assert.equal(
      formatFloat(1 / 3, 17, (x) => x),
      "0.33333333333333331",
    );
  });
});

describe("request JSON with TF Serving's NaN and Infinity tokens", () => {
  it("reads them outside strings, and leaves strings alone", () => {
    const v = parseRequestJson(
      '{"instances": [[NaN, -Infinity, Infinity, 1e2]], "s": "NaN \\" x"}',
    ) as {
      instances: number[][];
      s: string;
    };
    assert.ok(Number.isNaN(v.instances[0]![0]));
    assert.deepEqual(v.instances[0]!.slice(1), [-Infinity, Infinity, 100]);
    assert.equal(v.s, 'NaN " x');
  });

  it("malformed bodies are 'JSON Parse error' with where", () => {
    assert.throws(() => parseRequestJson("  "), /JSON Parse error: The document is empty/);
    assert.throws(
      () => parseRequestJson('{"a": [NaN,]}'),
      /JSON Parse error: Invalid value at offset: 11/,
    );
    assert.throws(() => parseRequestJson('{"a": NaN} x'), /JSON Parse error: .*at offset/);
    assert.throws(() => parseRequestJson("{a: 1}"), /JSON Parse error/);
  });
});
