// st.utils.diagnose: the four readings of loss curves on hand-made histories (each case, the ok
// case, noisy curves that must not be misread), on the histories of two real short trainings and
// of two of the book's runs (test/fixtures/histories),
// and fit printing the sentence only when verbose > 0.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { diagnose, smoothCurve } from "../../src/train/diagnose.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** A fixed, repeatable jitter in [-1, 1] (a small LCG), so noisy cases are the same every run. */
function jitter(n: number, seed: number): number[] {
  let s = seed;
  return range(n).map(() => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}
const noisy = (v: number[], rel: number, seed: number) => {
  const j = jitter(v.length, seed);
  return v.map((x, i) => x * (1 + rel * j[i]!));
};

describe("diagnose: constructed histories", () => {
  it("reads flat curves as not learning", () => {
    const d = diagnose({
      loss: [2.302, 2.301, 2.303, 2.3, 2.302, 2.301],
      val_loss: [2.303, 2.304, 2.302, 2.303, 2.301, 2.302],
    });
    assert.equal(d.kind, "not_learning");
    assert.match(d.message, /not learning/);
    assert.match(d.message, /learning rate/);
    assert.equal(d.epoch, undefined);
    assert.equal(d.message.split(". ").length, 1, "one sentence");
  });

  it("reads a validation loss turning up as overfitting from its best epoch", () => {
    const loss = range(10).map((i) => 0.9 ** i);
    const val = [1.0, 0.7, 0.55, 0.5, 0.52, 0.58, 0.65, 0.72, 0.8, 0.88];
    const d = diagnose({ history: { loss, val_loss: val }, epoch: range(10) });
    assert.equal(d.kind, "overfitting");
    assert.equal(d.epoch, 3);
    assert.match(d.message, /epoch 4 \(0\.5000\)/);
    assert.match(d.message, /regularization/);
    assert.match(d.message, /more data/);
  });

  it("uses history.epoch for the epoch (fit with initialEpoch)", () => {
    const loss = range(8).map((i) => 0.9 ** i);
    const val = [1.0, 0.6, 0.5, 0.55, 0.62, 0.7, 0.8, 0.9];
    const d = diagnose({ history: { loss, val_loss: val }, epoch: range(8).map((i) => i + 5) });
    assert.equal(d.epoch, 7);
  });

  it("reads both curves still falling as underfitting", () => {
    const loss = range(10).map((i) => 1.2 * 0.9 ** i);
    const val = range(10).map((i) => 1.25 * 0.9 ** i);
    const d = diagnose({ loss, val_loss: val });
    assert.equal(d.kind, "underfitting");
    assert.match(d.message, /train for more epochs/);
  });

  it("reads validation below training throughout", () => {
    const loss = range(12).map((i) => 0.5 + 0.5 ** i);
    const val = loss.map((v) => 0.7 * v);
    const d = diagnose({ loss, val_loss: val });
    assert.equal(d.kind, "validation_better");
    assert.match(d.message, /leak/);
    assert.match(d.message, /only in training/);
  });

  it("does not read the half-epoch lag of the first epochs as validation better", () => {
    // The training loss of an epoch is its mean while learning: validation at the epoch's end
    // is below it while the loss falls fast, and level with it after.
    const end = range(12).map((i) => 0.3 + 0.7 * 0.4 ** (i + 1));
    const loss = end.map((v, i) => (v + (i === 0 ? 1 : end[i - 1]!)) / 2);
    const d = diagnose({ loss, val_loss: end.map((v) => v * 1.02) });
    assert.equal(d.kind, "ok");
  });

  it("reads curves that fell and leveled off as ok", () => {
    const loss = range(15).map((i) => 0.2 + 0.8 * 0.5 ** i);
    const val = range(15).map((i) => 0.25 + 0.8 * 0.5 ** i);
    const d = diagnose({ loss, val_loss: val });
    assert.equal(d.kind, "ok");
  });

  it("does not misread noisy curves", () => {
    const flat = range(20).map((i) => 0.2 + 0.8 * 0.6 ** i);
    for (let seed = 1; seed <= 20; seed++) {
      const d = diagnose({
        loss: noisy(flat, 0.03, seed),
        val_loss: noisy(
          flat.map((v) => v + 0.05),
          0.05,
          seed + 100,
        ),
      });
      assert.equal(d.kind, "ok", `seed ${seed}: ${d.message}`);
    }
    // Noise on a plateau is not "still falling", and a single spike at the end is not a turn.
    const spike = range(12).map((i) => 0.3 + 0.7 * 0.5 ** i);
    const valSpike = spike.map((v, i) => (i === 11 ? v * 1.6 : v + 0.02));
    assert.equal(diagnose({ loss: spike, val_loss: valSpike }).kind, "ok");
    // Noise while both fall is still underfitting.
    const falling = range(15).map((i) => 0.95 ** i);
    const d = diagnose({ loss: noisy(falling, 0.01, 7), val_loss: noisy(falling, 0.02, 8) });
    assert.equal(d.kind, "underfitting");
    // Flat noisy curves are not learning, however the noise falls.
    const jittered = noisy(Array(10).fill(1.0) as number[], 0.01, 3);
    assert.equal(
      diagnose({ loss: jittered, val_loss: noisy(jittered, 0.01, 4) }).kind,
      "not_learning",
    );
  });

  it("reads only what the training curve supports without validation data", () => {
    const loss = range(10).map((i) => 0.9 ** i);
    const d = diagnose({ loss });
    assert.equal(d.kind, "underfitting");
    assert.equal(d.validation, false);
    assert.match(d.message, /^The training loss was still falling/);
    assert.equal(diagnose({ loss: [1, 1, 1, 1] }).kind, "not_learning");
    const leveled = range(10).map((i) => 0.1 + 0.5 ** i);
    assert.equal(diagnose({ loss: leveled }).kind, "ok");
  });

  it("says unknown for too few epochs or no loss", () => {
    assert.equal(diagnose({ loss: [1, 0.5] }).kind, "unknown");
    assert.equal(diagnose({ accuracy: [0.1, 0.2, 0.3] }).kind, "unknown");
    assert.equal(diagnose({ loss: [1, NaN, 0.5, 0.4] }).kind, "unknown");
  });

  it("is st.utils.diagnose", () => {
    assert.equal(st.utils.diagnose, diagnose);
  });

  it("refuses what is not a history", () => {
    assert.throws(() => diagnose(null as never), /diagnose: expected a History/);
    assert.throws(() => diagnose({ loss: ["a"] } as never), /"loss" must be an array of numbers/);
  });

  it("smooths with a running median of 3 and Tukey's end-point rule", () => {
    // s = [., med(1,9,2), med(9,2,3), med(2,3,4), .]; ends: median(x0, s1, 3 s1 - 2 s2).
    assert.deepEqual(smoothCurve([1, 9, 2, 3, 4]), [1, 2, 3, 3, 3]);
    assert.deepEqual(smoothCurve([10, 2, 3, 4]), [3, 3, 3, 3]);
    // A straight line is kept whole, end points included.
    assert.deepEqual(smoothCurve([1, 0.75, 0.5, 0.25]), [1, 0.75, 0.5, 0.25]);
  });
});

/** A small MLP on `x`, `y` with the given learning rate; returns fit's History. */
async function train(x: st.Tensor, y: st.Tensor, learningRate: number, epochs: number) {
  const model = new Sequential([
    new layers.Dense(64, { activation: "relu", inputShape: [x.shape[1]!] }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({
    optimizer: new st.optimizers.Adam({ learningRate }),
    loss: "binary_crossentropy",
  });
  return model.fit(x, y, { epochs, batchSize: 16, validationSplit: 0.5, verbose: 0 });
}

describe("diagnose: real trainings", () => {
  it("reads an MLP memorizing random labels as overfitting", async () => {
    st.random.setSeed(3);
    const x = st.random.normal([128, 16], { seed: 5 });
    const y = st.random.uniform([128, 1], { seed: 6 }).greater(0.5).cast("float32");
    const h = await train(x, y, 0.01, 30);
    const d = diagnose(h);
    assert.equal(d.kind, "overfitting", d.message);
    const val = h.history.val_loss!;
    assert.equal(val[d.epoch!], Math.min(...val));
  });

  it("reads a run with learning rate 0 as not learning", async () => {
    st.random.setSeed(4);
    const x = st.random.normal([64, 8], { seed: 7 });
    const y = x.sum(1, true).greater(0).cast("float32");
    const d = diagnose(await train(x, y, 0, 5));
    assert.equal(d.kind, "not_learning", d.message);
  });
});

describe("fit prints the diagnosis", () => {
  async function fitOutput(verbose: 0 | 1, learningRate = 0): Promise<string> {
    st.random.setSeed(9);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: new st.optimizers.SGD({ learningRate }), loss: "mse" });
    const x = st.random.normal([16, 3], { seed: 1 });
    const y = st.random.normal([16, 1], { seed: 2 });
    const out: string[] = [];
    const write = process.stdout.write;
    // Strings are ours; the test runner's own reports (buffers) pass through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk !== "string") return write.call(process.stdout, chunk, ...rest);
      out.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await model.fit(x, y, { epochs: 4, batchSize: 8, validationSplit: 0.25, verbose });
    } finally {
      process.stdout.write = write;
    }
    return out.join("");
  }

  it("with verbose 1, after the epochs, when something is wrong", async () => {
    const out = await fitOutput(1);
    assert.match(out, /Epoch 4\/4/);
    const lines = out.trimEnd().split("\n");
    assert.match(
      lines.at(-1)!,
      /^Neither the training nor the validation loss fell meaningfully over 4 epochs/,
    );
  });

  it("not with verbose 0", async () => {
    assert.equal(await fitOutput(0), "");
  });
});

describe("diagnose: the book's own runs (test/fixtures/make_history_fixtures.ts)", () => {
  const history = (name: string) =>
    JSON.parse(
      readFileSync(new URL(`../fixtures/histories/${name}`, import.meta.url), "utf8"),
    ) as Record<string, number[]>;

  it("IMDB Dense over 20 epochs overfits from its best validation epoch, as ch. 4 reads it", () => {
    const h = history("imdb-dense-20.json");
    const d = diagnose(h);
    assert.equal(d.kind, "overfitting");
    const best = h.val_loss!.indexOf(Math.min(...h.val_loss!));
    assert.equal(d.epoch, best);
    // The book sees validation loss turn up after a handful of epochs, not at the end.
    assert.ok(best >= 2 && best <= 7, `best epoch ${best}`);
  });

  it("MNIST under RMSprop(1.0) is not learning, as ch. 5 (listing 5.7) reads it", () => {
    const d = diagnose(history("mnist-rmsprop-lr1.json"));
    assert.equal(d.kind, "not_learning");
    assert.match(d.message, /learning rate/);
  });
});
