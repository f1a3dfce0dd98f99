import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type PyNumber,
  pyFloatRepr,
  pyFormat,
  pyFormatValue,
} from "../../src/train/callbacks/py-format.js";

const int = (v: number): PyNumber => ({ int: v });
const float = (v: number): PyNumber => ({ float: v });

describe("Python str.format for checkpoint paths", () => {
  it("formats like Python's format(value, spec) (expected values taken from CPython)", () => {
    const cases: [PyNumber, string, string][] = [
      [int(3), "02d", "03"],
      [float(0.123456), ".2f", "0.12"],
      [float(1234.5678), ",.2f", "1,234.57"],
      [float(0.5), "", "0.5"],
      [float(1.0), "", "1.0"],
      [float(1e-5), "", "1e-05"],
      [float(1e16), "", "1e+16"],
      [float(123456789.0), "", "123456789.0"],
      [float(0.000123), ".3g", "0.000123"],
      [float(1234567.0), ".3g", "1.23e+06"],
      [float(0.5), "g", "0.5"],
      [float(0.5), ".3", "0.5"],
      [float(1.0), ".3", "1.0"],
      [float(1234.5), ".2", "1.2e+03"],
      [float(0.25), ".1%", "25.0%"],
      [float(1.5), "e", "1.500000e+00"],
      [float(-1.5), "+08.2f", "-0001.50"],
      [float(1.5), "+08.2f", "+0001.50"],
      [int(7), "*^5d", "**7**"],
      [int(7), "<3d", "7  "],
      [float(NaN), ".2f", "nan"],
      [float(Infinity), ".2f", "inf"],
      [float(1234567.0), "_.1f", "1_234_567.0"],
      [float(2.5e-7), ".3e", "2.500e-07"],
      [float(100.0), "g", "100"],
      [float(1e6), "g", "1e+06"],
      [float(0.0001), "", "0.0001"],
      [float(0.1 + 0.2), "", "0.30000000000000004"],
      [int(1234567), ",", "1,234,567"],
      [float(5e-324), "", "5e-324"],
      [float(12.0), ".0f", "12"],
      [float(0.00001234), ".2g", "1.2e-05"],
      [float(123.456), "10.2f", "    123.46"],
      [float(0.5), ".0%", "50%"],
    ];
    for (const [value, spec, expected] of cases) {
      assert.equal(
        pyFormatValue(value, spec, "x"),
        expected,
        `format(${JSON.stringify(value)}, "${spec}")`,
      );
    }
  });

  it("writes floats as Python's repr", () => {
    assert.equal(pyFloatRepr(0.25), "0.25");
    assert.equal(pyFloatRepr(-3), "-3.0");
    assert.equal(pyFloatRepr(1.5e-7), "1.5e-07");
    assert.equal(pyFloatRepr(2.5e20), "2.5e+20");
    assert.equal(pyFloatRepr(NaN), "nan");
  });

  it("fills a template, with {{ }} escapes, and names a missing field", () => {
    const values = { epoch: int(4), val_loss: float(0.12345) };
    assert.equal(
      pyFormat("ckpt-{epoch:02d}-{val_loss:.2f}.weights.json", values, "T"),
      "ckpt-04-0.12.weights.json",
    );
    assert.equal(pyFormat("{{epoch}}/{epoch}", values, "T"), "{epoch}/4");
    assert.throws(() => pyFormat("{epoch}-{val_acc:.2f}", values, "T"), {
      message: /no value for \{val_acc\}/,
    });
    assert.throws(() => pyFormat("{epoch", values, "T"), { message: /unmatched/ });
    assert.throws(() => pyFormat("{val_loss:d}", values, "T"), {
      message: /Unknown format code 'd' for object of type 'float'/,
    });
  });
});
