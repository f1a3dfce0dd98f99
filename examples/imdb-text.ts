// Deep Learning with Python, ch. 11: IMDB from raw text. The reviews are laid out as Keras's
// `aclImdb` folders (train/ and test/, each with neg/ and pos/, one .txt file per review), read
// with `textDatasetFromDirectory`, vectorized by `TextVectorization` inside the pipeline, and fed
// to the book's bag-of-words models (unigrams, bigrams, bigrams with tf-idf) and its sequence
// model (Embedding + bidirectional LSTM). The best bag-of-words model is then wrapped into an
// end-to-end model that takes raw strings.
//
// The 50,000 reviews come from ../shared/datasets/imdb_reviews.json.gz (the Stanford set's raw
// text, negatives first, no split). The example splits each label's reviews alternately into
// train and test (25,000 each, balanced). `--models unigram,bigram,tfidf,sequence` picks models.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import * as st from "../src/index.js";
import { Model, callbacks, layers } from "../src/index.js";
import { dataOptions, quick, run, seed } from "./common.js";

const maxTokens = 20000;
const chosen = (() => {
  const at = process.argv.indexOf("--models");
  return (at >= 0 ? process.argv[at + 1]! : "unigram,bigram,tfidf,sequence").split(",");
})();

/** Writes `<root>/{train,test}/{neg,pos}/<i>.txt`; `perLabel` caps each folder in quick mode. */
async function writeAclImdb(root: string): Promise<void> {
  const dir =
    dataOptions.cacheDir ??
    process.env.STRATA_DATASETS_DIR ??
    join(homedir(), ".strata", "datasets");
  const reviews = JSON.parse(
    gunzipSync(await readFile(join(dir, "imdb_reviews.json.gz"))).toString("utf8"),
  ) as { t: string; s: 0 | 1 }[];
  const perFolder = quick ? 150 : Infinity;
  const written = new Map<string, number>();
  const seen = [0, 0];
  for (const [i, { t, s }] of reviews.entries()) {
    const split = seen[s]!++ % 2 === 0 ? "train" : "test";
    const folder = join(root, split, s === 1 ? "pos" : "neg");
    const count = written.get(folder) ?? 0;
    if (count >= perFolder) continue;
    if (count === 0) await mkdir(folder, { recursive: true });
    written.set(folder, count + 1);
    await writeFile(join(folder, `${i}_${s}.txt`), t);
  }
}

/** The book's get_model; `width` is the vectorizer's output width (maxTokens on the full data). */
function bagOfWordsModel(width: number, hiddenDim = 16): Model {
  const inputs = st.Input({ shape: [width] });
  let x = new layers.Dense(hiddenDim, { activation: "relu" }).apply(inputs);
  x = new layers.Dropout(0.5).apply(x);
  const outputs = new layers.Dense(1, { activation: "sigmoid" }).apply(x);
  const model = new Model({ inputs, outputs });
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  return model;
}

function sequenceModel(): Model {
  const inputs = st.Input({ shape: [null], dtype: "int64" });
  const embedded = new layers.Embedding(maxTokens, 256, { maskZero: true }).apply(inputs);
  let x = new layers.Bidirectional(new layers.LSTM(32)).apply(embedded);
  x = new layers.Dropout(0.5).apply(x);
  const outputs = new layers.Dense(1, { activation: "sigmoid" }).apply(x);
  const model = new Model({ inputs, outputs });
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  return model;
}

type Pair = [st.Tensor, st.Tensor];

await run("IMDB from raw text, best test accuracy", async () => {
  st.random.setSeed(seed);
  const root = await mkdtemp(join(tmpdir(), "strata-aclImdb-"));
  try {
    await writeAclImdb(root);
    const [trainDs, valDs] = (await st.utils.textDatasetFromDirectory(join(root, "train"), {
      batchSize: 32,
      validationSplit: 0.2,
      subset: "both",
      seed,
    })) as [st.data.Dataset<Pair>, st.data.Dataset<Pair>];
    const testDs = (await st.utils.textDatasetFromDirectory(join(root, "test"), {
      batchSize: 32,
    })) as st.data.Dataset<Pair>;
    const textOnlyTrainDs = trainDs.map(([x]) => x);

    const results: Record<string, number> = {};
    let best: { name: string; model: Model; vectorization: st.layers.TextVectorization } | null =
      null;
    const bagOfWords: [string, ConstructorParameters<typeof layers.TextVectorization>[0]][] = [
      ["unigram", { maxTokens, outputMode: "multi_hot" }],
      ["bigram", { ngrams: 2, maxTokens, outputMode: "multi_hot" }],
      ["tfidf", { ngrams: 2, maxTokens, outputMode: "tf_idf" }],
    ];
    for (const [name, options] of bagOfWords.filter(([n]) => chosen.includes(n))) {
      const textVectorization = new layers.TextVectorization(options);
      await textVectorization.adapt(textOnlyTrainDs);
      const vectorize = (ds: st.data.Dataset<Pair>): st.data.Dataset<Pair> =>
        ds.map(([x, y]) => [textVectorization.apply(x) as st.Tensor, y] as Pair, {
          numParallelCalls: 4,
        });
      const model = bagOfWordsModel(textVectorization.vocabularySize());
      const checkpoint = join(root, `${name}.keras`);
      await model.fit(vectorize(trainDs).cache(), {
        validationData: vectorize(valDs).cache(),
        epochs: quick ? 1 : 10,
        verbose: quick ? 0 : 2,
        callbacks: [new callbacks.ModelCheckpoint(checkpoint, { saveBestOnly: true })],
      });
      const bestEpoch = await st.models.loadModel(checkpoint);
      results[name] = (await bestEpoch.evaluate(vectorize(testDs), { verbose: 0 })).accuracy!;
      console.log(`${name} (${options!.outputMode}): test accuracy ${results[name]!.toFixed(4)}`);
      if (!best || results[name]! >= results[best.name]!) {
        best = { name, model: bestEpoch, vectorization: textVectorization };
      }
    }

    if (best) {
      // The end-to-end model: raw strings in, probabilities out, saved with its vocabulary.
      const inputs = st.Input({ shape: [1], dtype: "string" });
      const outputs = best.model.apply(best.vectorization.apply(inputs));
      const inference = new Model({ inputs, outputs });
      const path = join(root, "end-to-end.keras");
      await inference.save(path);
      const reloaded = await st.models.loadModel(path);
      const review = "That was an excellent movie, I loved it.";
      const p = (
        (await reloaded.predict(st.tensor([[review]]), { verbose: 0 })) as st.Tensor
      ).dataSync()[0]!;
      console.log(
        `end-to-end model (${best.name}, reloaded): "${review}" → ${(100 * p).toFixed(1)}% positive`,
      );
    }

    if (chosen.includes("sequence")) {
      const maxLength = quick ? 100 : 600;
      const textVectorization = new layers.TextVectorization({
        maxTokens,
        outputMode: "int",
        outputSequenceLength: maxLength,
      });
      await textVectorization.adapt(textOnlyTrainDs);
      const vectorize = (ds: st.data.Dataset<Pair>): st.data.Dataset<Pair> =>
        ds.map(([x, y]) => [textVectorization.apply(x) as st.Tensor, y] as Pair, {
          numParallelCalls: 4,
        });
      const model = sequenceModel();
      await model.fit(vectorize(trainDs).cache(), {
        validationData: vectorize(valDs).cache(),
        epochs: quick ? 1 : 10,
        verbose: quick ? 0 : 2,
      });
      results.sequence = (await model.evaluate(vectorize(testDs), { verbose: 0 })).accuracy!;
      console.log(
        `sequence (Embedding + bidirectional LSTM): test accuracy ${results.sequence.toFixed(4)}`,
      );
    }
    const bestName = Object.keys(results).reduce((a, b) => (results[a]! >= results[b]! ? a : b));
    return `${results[bestName]!.toFixed(4)} (${bestName})`;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
