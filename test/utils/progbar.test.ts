// The shared terminal progress line (Keras's Progbar) on a fake terminal: the count, the bar, the
// time left from the rate so far, the rate per unit or in bytes per second, redraws in place,
// one final line; quiet when not a terminal (or only the final line, as Keras's fit prints),
// and with verbose 0. The clock is mocked, so times are exact.
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import {
  Progbar,
  byteRate,
  declaredCount,
  duration,
  perUnit,
  withProgress,
} from "../../src/utils/progbar.js";
import * as st from "../../src/index.js";
import { screen } from "./fake-tty.js";

/** A stream that records writes, and a clock moved by hand. */
function setup(isTTY: boolean) {
  const writes: string[] = [];
  let now = 1000;
  mock.method(performance, "now", () => now);
  return {
    stream: { isTTY, write: (t: string) => void writes.push(t) },
    writes,
    tick: (ms: number) => void (now += ms),
  };
}

describe("Progbar", () => {
  it("redraws in place with the time left, then writes the final line", (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes, tick } = setup(true);
    const bar = new Progbar(10, { stream });
    tick(200);
    bar.update(2, { loss: 0.5 });
    // 2 of 10 in 0.2 s: 100 ms a step, 8 steps left: 1 s.
    assert.equal(
      writes.at(-1),
      `\r 2/10 ━━━━\x1b[2m${"━".repeat(16)}\x1b[0m 1s 100ms/step - loss: 0.5000\x1b[K`,
    );
    tick(10);
    bar.update(3); // within 50 ms of the last draw: not drawn
    assert.equal(writes.length, 1);
    tick(800);
    bar.update(10, { loss: 0.25 });
    bar.finish({ loss: 0.25 });
    assert.deepEqual(screen(writes.join("")), [
      `10/10 ${"━".repeat(20)} 1s 101ms/step - loss: 0.2500`,
    ]);
    assert.ok(writes.join("").endsWith("\n"));
  });

  it("shows an unknown count as Keras does, and ends at the count reached", (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes, tick } = setup(true);
    const bar = new Progbar(null, { stream, unitName: "batch", label: "adapt: " });
    tick(3000);
    bar.update(3);
    assert.equal(writes.at(-1), "\radapt:       3/Unknown 3s 1s/batch\x1b[K");
    bar.finish();
    assert.deepEqual(screen(writes.join("")), [`adapt: 3/3 ${"━".repeat(20)} 3s 1s/batch`]);
  });

  it("gives the rate in bytes per second for downloads", (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes, tick } = setup(true);
    const bar = new Progbar(4_000_000, { stream, rate: "bytes" });
    tick(2000);
    bar.update(1_000_000);
    // 0.5 MB/s, 3 MB left: 6 s.
    assert.equal(
      writes.at(-1),
      `\r1000000/4000000 ━━━━━\x1b[2m${"━".repeat(15)}\x1b[0m 6s 500.0 kB/s\x1b[K`,
    );
  });

  it("writes only the final line when not a terminal, or nothing when asked", (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes } = setup(false);
    const bar = new Progbar(3, { stream });
    bar.update(1);
    bar.update(3, {}, false);
    assert.deepEqual(writes, []);
    bar.finish();
    assert.equal(writes.length, 1);
    assert.match(writes[0]!, /^3\/3 ━{20} 0s 0us\/step\n$/);
    const quiet = new Progbar(3, { stream, finalWhenNotTTY: false });
    quiet.update(3);
    quiet.finish();
    assert.equal(writes.length, 1);
  });

  it("is silent with verbose 0, and writes one line at the end with verbose 2", (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes, tick } = setup(true);
    const silent = new Progbar(3, { stream, verbose: 0 });
    silent.update(3);
    silent.finish();
    assert.deepEqual(writes, []);
    const two = new Progbar(4, { stream, verbose: 2 });
    two.update(2);
    tick(4000);
    assert.deepEqual(writes, []);
    // Reaching the target finishes the line, as Keras's update(current, values) does.
    two.update(4, { loss: 1 });
    assert.deepEqual(writes, ["4/4 - 4s - 1s/step - loss: 1.0000\n"]);
    two.finish({ loss: 2 });
    assert.equal(writes.length, 1, "finished once");
  });

  it("is st.utils.Progbar (Keras's keras.utils.Progbar)", () => {
    assert.equal(st.utils.Progbar, Progbar);
  });

  it("formats durations, rates and sizes", () => {
    assert.equal(duration(59.4), "59s");
    assert.equal(duration(179.6), "3:00");
    assert.equal(duration(3725), "1:02:05");
    assert.equal(perUnit(2.4), "2s/step");
    assert.equal(perUnit(0.0153, "file"), "15ms/file");
    assert.equal(perUnit(8e-5), "80us/step");
    assert.equal(byteRate(850), "850 B/s");
    assert.equal(byteRate(12_400), "12.4 kB/s");
    assert.equal(byteRate(3_140_000), "3.1 MB/s");
  });
});

describe("withProgress", () => {
  const collect = async <T>(it: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };

  it("counts the items handled and finishes the line", async (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes } = setup(true);
    assert.deepEqual(
      await collect(withProgress([5, 6, 7], 3, { stream, unitName: "batch" })),
      [5, 6, 7],
    );
    assert.deepEqual(screen(writes.join("")), [`3/3 ${"━".repeat(20)} 0s 0us/batch`]);
  });

  it("counts the item a loop breaks on", async (t) => {
    t.after(() => mock.restoreAll());
    const { stream, writes } = setup(true);
    for await (const x of withProgress([1, 2, 3, 4], null, { stream })) if (x === 2) break;
    assert.deepEqual(screen(writes.join("")), [`2/2 ${"━".repeat(20)} 0s 0us/step`]);
  });

  it("draws nothing for one item of unknown count, off a terminal, or with verbose 0", async (t) => {
    t.after(() => mock.restoreAll());
    const tty = setup(true);
    await collect(withProgress([1], null, { stream: tty.stream }));
    await collect(withProgress([1, 2], 2, { stream: tty.stream, verbose: 0 }));
    assert.deepEqual(tty.writes, []);
    const pipe = setup(false);
    await collect(withProgress([1, 2, 3], 3, { stream: pipe.stream }));
    assert.deepEqual(pipe.writes, []);
  });

  it("reads the count a dataset or array declares", () => {
    assert.equal(declaredCount([1, 2, 3]), 3);
    assert.equal(declaredCount({ cardinality: () => 7 }, 5), 5);
    assert.equal(declaredCount({ cardinality: () => -1 }), null); // infinite
    assert.equal(declaredCount({ cardinality: () => -2 }, 4), 4); // unknown
    assert.equal(declaredCount((function* () {})()), null);
  });
});
