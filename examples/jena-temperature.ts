// Deep Learning with Python, ch. 10: forecasting the temperature 24 hours ahead from the Jena
// climate record — the common-sense baseline first, then a Dense net, a 1D convnet, an LSTM, an
// LSTM with recurrent dropout, stacked GRUs and a bidirectional LSTM, all fed by
// `timeseriesDatasetFromArray` exactly as the book writes it.
//
// Keras's CSV (jena_climate_2009_2016.csv, 420,451 rows every 10 minutes) is fetched with
// `getFile` from its URL when this machine can reach it or has it cached. Otherwise — and always
// with --quick — the example runs on a generated CSV with the same 15 columns (a daily and a
// yearly temperature cycle with weather noise, the other columns derived from it) and says so:
// its numbers are then about the code running, not about Jena's weather.
import { readFile } from "node:fs/promises";
import * as st from "../src/index.js";
import { Model, layers } from "../src/index.js";
import { quick, run, seed } from "./common.js";

const JENA_URL = "https://s3.amazonaws.com/keras-datasets/jena_climate_2009_2016.csv.zip";
const COLUMNS = [
  "Date Time",
  "p (mbar)",
  "T (degC)",
  "Tpot (K)",
  "Tdew (degC)",
  "rh (%)",
  "VPmax (mbar)",
  "VPact (mbar)",
  "VPdef (mbar)",
  "sh (g/kg)",
  "H2OC (mmol/mol)",
  "rho (g/m**3)",
  "wv (m/s)",
  "max. wv (m/s)",
  "wd (deg)",
];

/** The CSV's text: Keras's file when it can be had, else a generated one of the same columns. */
async function jenaCsv(): Promise<{ text: string; real: boolean }> {
  if (!quick) {
    try {
      const dir = await st.utils.getFile("jena_climate_2009_2016.csv.zip", JENA_URL, {
        extract: true,
      });
      const path = dir.endsWith(".zip") ? dir.slice(0, -4) : dir;
      const text = await readFile(
        path.endsWith(".csv") ? path : `${path}/jena_climate_2009_2016.csv`,
        "utf8",
      );
      return { text, real: true };
    } catch (err) {
      console.log(
        `Keras's Jena CSV is not available here (${(err as Error).message.split("\n")[0]});`,
      );
    }
  }
  console.log("running on a generated CSV with Jena's columns (not Jena's weather).");
  return { text: generatedCsv(quick ? 8000 : 60_000), real: false };
}

/** Rows every 10 minutes: temperature with daily and yearly cycles plus a slow random walk. */
function generatedCsv(rows: number): string {
  let state = seed * 7919 + 1;
  const noise = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const lines = [COLUMNS.join(",")];
  let weather = 0;
  for (let i = 0; i < rows; i++) {
    const day = (2 * Math.PI * i) / 144;
    const year = (2 * Math.PI * i) / (144 * 365);
    weather = 0.995 * weather + noise();
    const t = 9 - 10 * Math.cos(year) - 4 * Math.cos(day) + weather + 0.3 * noise();
    const p = 990 + 8 * Math.sin(year / 3) - 0.5 * weather;
    const rh = Math.min(100, Math.max(20, 75 + 15 * Math.cos(day) - 2 * weather));
    const vpmax = 6.1 * Math.exp((17.6 * t) / (t + 243));
    const vpact = (vpmax * rh) / 100;
    const date = `${String(1 + (Math.floor(i / 144) % 28)).padStart(2, "0")}.01.2009 00:00:00`;
    const values = [
      p,
      t,
      t + 273.15 + (1000 - p) * 0.08,
      t - (100 - rh) / 5,
      rh,
      vpmax,
      vpact,
      vpmax - vpact,
      (vpact * 622) / p,
      (vpact * 1000) / p,
      (p * 100) / (287 * (t + 273.15)),
      2 + noise() * 2,
      4 + noise() * 3,
      180 + 170 * noise(),
    ];
    lines.push([date, ...values.map((v) => v.toFixed(2))].join(","));
  }
  return lines.join("\n");
}

await run("Jena temperature test MAE (degrees C), best model", async () => {
  st.random.setSeed(seed);
  const { text, real } = await jenaCsv();
  // The book's parsing: a header line, then one row of 14 numbers per line after the date.
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = lines[0]!.split(",");
  const body = lines.slice(1);
  const width = header.length - 1;
  const rawValues = new Float32Array(body.length * width);
  const temperatureValues = new Float32Array(body.length);
  body.forEach((line, i) => {
    const values = line.split(",").slice(1).map(Number);
    temperatureValues[i] = values[1]!;
    rawValues.set(values, i * width);
  });
  const numTrain = Math.floor(0.5 * body.length);
  const numVal = Math.floor(0.25 * body.length);
  console.log(`${body.length} rows: ${numTrain} train, ${numVal} validation, rest test`);

  // Normalize with the training rows' mean and standard deviation.
  const raw = st.tensor(rawValues, [body.length, width]);
  const trainRows = st.ops.slice(raw, [0, 0], [numTrain, width]);
  const mean = st.ops.mean(trainRows, 0);
  const std = st.ops.std(trainRows, 0);
  const data = raw.sub(mean).div(std);
  const temperature = st.tensor(temperatureValues, [body.length]);

  const samplingRate = 6;
  const sequenceLength = 120;
  const delay = samplingRate * (sequenceLength + 24 - 1);
  const batchSize = 256;
  const inputs = st.ops.slice(data, [0, 0], [body.length - delay, width]);
  const targets = st.ops.slice(temperature, [delay], [body.length - delay]);
  const series = (
    startIndex: number,
    endIndex: number | null,
    shuffle: boolean,
  ): st.data.Dataset<[st.Tensor, st.Tensor]> =>
    st.utils.timeseriesDatasetFromArray(inputs, targets, sequenceLength, {
      samplingRate,
      shuffle,
      batchSize,
      startIndex,
      endIndex,
      seed,
    }) as st.data.Dataset<[st.Tensor, st.Tensor]>;
  const trainDataset = series(0, numTrain, true);
  const valDataset = series(numTrain, numTrain + numVal, false);
  const testDataset = series(numTrain + numVal, null, false);

  // The common-sense baseline: the temperature 24 hours from now equals the last one seen.
  const m1 = mean.dataSync()[1]!;
  const s1 = std.dataSync()[1]!;
  async function evaluateNaiveMethod(
    dataset: st.data.Dataset<[st.Tensor, st.Tensor]>,
  ): Promise<number> {
    let totalAbsErr = 0;
    let samplesSeen = 0;
    for await (const [samples, tgts] of dataset) {
      const n = samples.shape[0]!;
      const last = st.ops.slice(samples, [0, sequenceLength - 1, 1], [n, 1, 1]).reshape([n]);
      const preds = last.mul(s1).add(m1);
      totalAbsErr += Number(st.ops.sum(st.ops.abs(preds.sub(tgts))).item());
      samplesSeen += n;
    }
    return totalAbsErr / samplesSeen;
  }
  console.log(
    `Validation MAE (common sense): ${(await evaluateNaiveMethod(valDataset)).toFixed(2)}`,
  );
  const baseline = await evaluateNaiveMethod(testDataset);
  console.log(`Test MAE (common sense): ${baseline.toFixed(2)}`);

  const epochs = quick ? 1 : real ? 10 : 5;
  const shape = [sequenceLength, width];
  const models: [string, () => Model, number][] = [
    [
      "Dense",
      () => {
        const x0 = st.Input({ shape });
        let x = new layers.Flatten().apply(x0);
        x = new layers.Dense(16, { activation: "relu" }).apply(x);
        return new Model({ inputs: x0, outputs: new layers.Dense(1).apply(x) });
      },
      epochs,
    ],
    [
      "Conv1D",
      () => {
        const x0 = st.Input({ shape });
        let x = new layers.Conv1D(8, 24, { activation: "relu" }).apply(x0);
        x = new layers.MaxPooling1D(2).apply(x);
        x = new layers.Conv1D(8, 12, { activation: "relu" }).apply(x);
        x = new layers.MaxPooling1D(2).apply(x);
        x = new layers.Conv1D(8, 6, { activation: "relu" }).apply(x);
        x = new layers.GlobalAveragePooling1D().apply(x);
        return new Model({ inputs: x0, outputs: new layers.Dense(1).apply(x) });
      },
      epochs,
    ],
    [
      "LSTM(16)",
      () => {
        const x0 = st.Input({ shape });
        const x = new layers.LSTM(16).apply(x0);
        return new Model({ inputs: x0, outputs: new layers.Dense(1).apply(x) });
      },
      epochs,
    ],
    [
      "LSTM(32, recurrent dropout 0.25) + Dropout",
      () => {
        const x0 = st.Input({ shape });
        let x = new layers.LSTM(32, { recurrentDropout: 0.25 }).apply(x0);
        x = new layers.Dropout(0.5).apply(x);
        return new Model({ inputs: x0, outputs: new layers.Dense(1).apply(x) });
      },
      quick ? 1 : real ? 50 : 5,
    ],
    [
      "stacked GRU(32) with dropout",
      () => {
        const x0 = st.Input({ shape });
        let x = new layers.GRU(32, {
          recurrentDropout: 0.5,
          returnSequences: true,
        }).apply(x0);
        x = new layers.GRU(32, { recurrentDropout: 0.5 }).apply(x);
        x = new layers.Dropout(0.5).apply(x);
        return new Model({ inputs: x0, outputs: new layers.Dense(1).apply(x) });
      },
      quick ? 1 : real ? 50 : 5,
    ],
    [
      "Bidirectional LSTM(16)",
      () => {
        const x0 = st.Input({ shape });
        const x = new layers.Bidirectional(new layers.LSTM(16)).apply(x0);
        return new Model({ inputs: x0, outputs: new layers.Dense(1).apply(x) });
      },
      epochs,
    ],
  ];
  let best = baseline;
  for (const [name, build, modelEpochs] of models) {
    const model = build();
    model.compile({ optimizer: "rmsprop", loss: "mse", metrics: ["mae"] });
    await model.fit(trainDataset, {
      epochs: modelEpochs,
      validationData: valDataset,
      verbose: quick ? 0 : 2,
    });
    const { mae } = await model.evaluate(testDataset, { verbose: 0 });
    // The targets are the raw temperatures (only the inputs are normalized): MAE is in degrees.
    const degrees = mae!;
    console.log(`Test MAE (${name}, ${modelEpochs} epochs): ${degrees.toFixed(2)}`);
    best = Math.min(best, degrees);
  }
  return `${best.toFixed(2)} (common-sense baseline ${baseline.toFixed(2)}${real ? "" : "; generated data"})`;
});
