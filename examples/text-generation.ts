// Deep Learning with Python, ch. 12 ("Text generation"; 1st ed. ch. 8 for the character model):
// two language models trained on the IMDB reviews' raw text (../shared/datasets/
// imdb_reviews.json.gz, the Stanford set), each sampled with temperatures 0.2, 0.5, 1.0 and 1.5:
//  - a character-level LSTM predicting the next character of a `MAXLEN`-character window;
//  - a word-level Transformer decoder predicting each next word of a sequence: the book's
//    PositionalEmbedding (a custom Layer: token + position embeddings) under one decoder block
//    whose self-attention is causal (MultiHeadAttention's useCausalMask).
// The book's decoder also attends to its own input a second time without a mask (it reuses its
// seq2seq TransformerDecoder as `decoder(x, x)`), which lets each position see the words it must
// predict; this one keeps only the causal self-attention, as a GPT-style decoder does.
// Both report the validation loss and perplexity (e^loss) per epoch. Words are lowercase runs of
// letters and apostrophes plus . , ! ? (the book's TextVectorization strips punctuation instead).
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import * as st from "../src/index.js";
import { Input, Model, layers, ops } from "../src/index.js";
import { dataOptions, quick, run, seed } from "./common.js";

const REVIEWS = quick ? 60 : 1000;
const CHARACTERS = quick ? 6000 : 120_000; // the character model reads this much of the text
const EPOCHS = quick ? 1 : 3;
const TEMPERATURES = [0.2, 0.5, 1.0, 1.5];

/** A seeded PRNG (mulberry32) for sampling, so runs repeat for a given --seed. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(seed + 1);

/** The book's `sample`: reweights a distribution by 1/temperature and draws one index. */
function sample(probs: ArrayLike<number>, temperature: number): number {
  const logits = Array.from(probs, (p) => Math.log(Math.max(p, 1e-12)) / temperature);
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  let r = random() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) <= 0) return i;
  return weights.length - 1;
}

async function loadReviews(): Promise<string[]> {
  const dir =
    dataOptions.cacheDir ??
    process.env.STRATA_DATASETS_DIR ??
    join(homedir(), ".strata", "datasets");
  const reviews = JSON.parse(
    gunzipSync(await readFile(join(dir, "imdb_reviews.json.gz"))).toString("utf8"),
  ) as { t: string }[];
  return reviews.slice(0, REVIEWS).map((r) => r.t.replace(/<br\s*\/?>/g, " ").toLowerCase());
}

/** Fits and prints the validation loss and perplexity of each epoch. */
async function fitReporting(
  name: string,
  model: Model,
  x: st.Tensor,
  y: st.Tensor,
  validation: [st.Tensor, st.Tensor],
): Promise<number> {
  const history = await model.fit(x, y, {
    epochs: EPOCHS,
    batchSize: 128,
    validationData: validation,
    shuffle: true,
    verbose: 0,
  });
  const losses = history.history.val_loss as number[];
  losses.forEach((loss, i) =>
    console.log(
      `${name} epoch ${i + 1}: validation loss ${loss.toFixed(4)}, perplexity ${Math.exp(loss).toFixed(2)}`,
    ),
  );
  return losses.at(-1)!;
}

/** The first 90% of rows train, the rest validate. */
function split(x: st.Tensor, y: st.Tensor): [[st.Tensor, st.Tensor], [st.Tensor, st.Tensor]] {
  const n = x.shape[0]!;
  const k = Math.floor(n * 0.9);
  const rows = (t: st.Tensor, from: number, to: number): st.Tensor =>
    ops.slice(t, [from, ...t.shape.slice(1).map(() => 0)], [to - from, ...t.shape.slice(1)]);
  return [
    [rows(x, 0, k), rows(y, 0, k)],
    [rows(x, k, n), rows(y, k, n)],
  ];
}

async function characterLstm(text: string): Promise<number> {
  const MAXLEN = quick ? 20 : 60;
  const STEP = 3;
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  const starts: number[] = [];
  for (let i = 0; i + MAXLEN < text.length; i += STEP) starts.push(i);
  const x = new Int32Array(starts.length * MAXLEN);
  const y = new Int32Array(starts.length);
  starts.forEach((s, r) => {
    for (let j = 0; j < MAXLEN; j++) x[r * MAXLEN + j] = index.get(text[s + j]!)!;
    y[r] = index.get(text[s + MAXLEN]!)!;
  });
  console.log(
    `character LSTM: ${text.length} characters, ${chars.length} distinct, ${starts.length} windows of ${MAXLEN}`,
  );
  const [train, validation] = split(
    st.tensor(x, [starts.length, MAXLEN]),
    st.tensor(y, [starts.length]),
  );

  st.random.setSeed(seed);
  // The 1st edition one-hot encodes the characters; an Embedding is the same first layer, cheaper.
  const inputs = Input({ shape: [MAXLEN], dtype: "int32" });
  let h = new layers.Embedding(chars.length, 32).apply(inputs);
  h = new layers.LSTM(quick ? 32 : 128).apply(h);
  const outputs = new layers.Dense(chars.length, { activation: "softmax" }).apply(h);
  const model = new Model({ inputs, outputs, name: "char_lstm" });
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
  const loss = await fitReporting("character LSTM", model, ...train, validation);

  const start = Math.floor(text.length * 0.95);
  const prompt = text.slice(start, start + MAXLEN);
  for (const temperature of TEMPERATURES) {
    let generated = prompt;
    for (let i = 0; i < (quick ? 20 : 200); i++) {
      const window = [...generated.slice(-MAXLEN)].map((c) => index.get(c)!);
      const probs = (
        model.predictOnBatch(st.tensor(Int32Array.from(window), [1, MAXLEN])) as st.Tensor
      ).dataSync();
      generated += chars[sample(probs, temperature)]!;
    }
    console.log(`  temperature ${temperature.toFixed(1)}: "${prompt}|${generated.slice(MAXLEN)}"`);
  }
  return loss;
}

/** The book's PositionalEmbedding: a learned embedding of each token plus one of its position. */
class PositionalEmbedding extends layers.Layer {
  readonly tokenEmbeddings: st.layers.Embedding;
  readonly positionEmbeddings: st.layers.Embedding;

  constructor(
    readonly sequenceLength: number,
    readonly inputDim: number,
    readonly outputDim: number,
    args: st.layers.LayerArgs = {},
  ) {
    super(args);
    this.tokenEmbeddings = new layers.Embedding(inputDim, outputDim);
    this.positionEmbeddings = new layers.Embedding(sequenceLength, outputDim);
  }

  override call(inputs: st.Tensor): st.Tensor {
    const length = inputs.shape.at(-1)!;
    const positions = ops.arange(0, length, 1, "int32");
    return ops.add(this.tokenEmbeddings.apply(inputs), this.positionEmbeddings.apply(positions));
  }
}

async function wordTransformer(reviews: string[]): Promise<number> {
  const SEQUENCE_LENGTH = quick ? 10 : 50;
  const VOCAB = quick ? 500 : 5000;
  const tokens = reviews.flatMap((r) => r.match(/[a-z']+|[.,!?]/g) ?? []);
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  // 0 is padding (unused: every window is full), 1 the out-of-vocabulary token, as Keras's.
  const vocabulary = [
    "",
    "[UNK]",
    ...[...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, VOCAB - 2)
      .map(([w]) => w),
  ];
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const ids = Int32Array.from(tokens, (t) => index.get(t) ?? 1);
  const n = Math.floor((ids.length - 1) / SEQUENCE_LENGTH);
  const x = new Int32Array(n * SEQUENCE_LENGTH);
  const y = new Int32Array(n * SEQUENCE_LENGTH);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < SEQUENCE_LENGTH; j++) {
      x[r * SEQUENCE_LENGTH + j] = ids[r * SEQUENCE_LENGTH + j]!;
      y[r * SEQUENCE_LENGTH + j] = ids[r * SEQUENCE_LENGTH + j + 1]!;
    }
  console.log(
    `word Transformer: ${tokens.length} words, vocabulary ${vocabulary.length}, ${n} sequences of ${SEQUENCE_LENGTH}`,
  );
  const [train, validation] = split(
    st.tensor(x, [n, SEQUENCE_LENGTH]),
    st.tensor(y, [n, SEQUENCE_LENGTH]),
  );

  st.random.setSeed(seed);
  const EMBED = quick ? 32 : 128;
  const inputs = Input({ shape: [SEQUENCE_LENGTH], dtype: "int32" });
  const embedded = new PositionalEmbedding(SEQUENCE_LENGTH, vocabulary.length, EMBED).apply(inputs);
  const attention = new layers.MultiHeadAttention({ numHeads: 2, keyDim: EMBED / 2 }).apply(
    [embedded, embedded],
    { useCausalMask: true },
  );
  let h = new layers.LayerNormalization().apply(new layers.Add().apply([embedded, attention]));
  let ffn = new layers.Dense(EMBED * 2, { activation: "relu" }).apply(h);
  ffn = new layers.Dense(EMBED).apply(ffn);
  h = new layers.LayerNormalization().apply(new layers.Add().apply([h, ffn]));
  h = new layers.Dropout(0.5).apply(h);
  const outputs = new layers.Dense(vocabulary.length, { activation: "softmax" }).apply(h);
  const model = new Model({ inputs, outputs, name: "word_transformer" });
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
  const loss = await fitReporting("word Transformer", model, ...train, validation);

  // The book's TextGenerator: the prompt's words, then each sampled word appended; the model
  // reads the last SEQUENCE_LENGTH words (padded with 0 on the right while shorter).
  const prompt = ["this", "movie"];
  for (const temperature of TEMPERATURES) {
    const words = [...prompt];
    for (let i = 0; i < (quick ? 5 : 40); i++) {
      const window = words.slice(-SEQUENCE_LENGTH).map((w) => index.get(w) ?? 1);
      const last = window.length - 1;
      const padded = Int32Array.from({ length: SEQUENCE_LENGTH }, (_, j) => window[j] ?? 0);
      const probs = (
        model.predictOnBatch(st.tensor(padded, [1, SEQUENCE_LENGTH])) as st.Tensor
      ).dataSync();
      const row = probs.slice(last * vocabulary.length, (last + 1) * vocabulary.length);
      words.push(vocabulary[sample(row, temperature)]!);
    }
    console.log(`  temperature ${temperature.toFixed(1)}: ${words.join(" ")}`);
  }
  return loss;
}

await run("text generation on IMDB reviews, validation perplexity", async () => {
  const reviews = await loadReviews();
  const charLoss = await characterLstm(reviews.join("\n").slice(0, CHARACTERS));
  const wordLoss = await wordTransformer(reviews);
  return `character LSTM ${Math.exp(charLoss).toFixed(2)}, word Transformer ${Math.exp(wordLoss).toFixed(2)}`;
});
