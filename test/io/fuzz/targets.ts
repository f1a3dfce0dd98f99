// The readers the fuzzer drives, each with the real fixtures its mutations start from: zip,
// HDF5 (the whole tree walked: groups, attributes, datasets), `.keras` and legacy `.h5` models
// through `loadModel`, `.weights.h5` through `model.loadWeights`, `.npy` / `.npz` as tensors,
// pickle, tar, the dataset cache's record file and the interim JSON weights.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as st from "../../../src/index.js";
import { Hdf5Group, readHdf5 } from "../../../src/io/hdf5.js";
import { parseNpy, parseNpz, fromPickled } from "../../../src/io/npy.js";
import { PickledArray, unpickle } from "../../../src/io/pickle.js";
import { RecordFileWriter, readRecords } from "../../../src/io/record-file.js";
import { readTar } from "../../../src/io/tar.js";
import { parseWeightsFile, saveWeightsFile } from "../../../src/io/weights-json.js";
import { ZipReader } from "../../../src/io/zip.js";
import { encodeZip } from "../../../src/io/zip-write.js";
import { npyToTensor } from "../../../src/data/npy.js";
import type { Model } from "../../../src/models/model.js";
import type { Seed } from "./mutate.js";
import { hdf5Seed, plainSeed, tarSeed, zipSeed } from "./scan.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, path)));

/** One reader under test. `run` throws what the reader throws; `where` must appear in errors. */
export interface Target {
  name: string;
  seeds(dir: string): Promise<Seed[]>;
  /** Reads `bytes` as the reader would; `dir` is a scratch folder for readers that take paths. */
  run(bytes: Uint8Array, where: string, dir: string): Promise<void>;
  /** How `where` is formed: a byte reader's label, or the path a file reader was given. */
  whereFor(dir: string, caseIndex: number): string;
}

const label = (name: string) => (_dir: string, i: number) => `${name}-case-${i}`;

/** Reads every group, attribute and dataset below `root`, each node at most once. */
export function walkHdf5(root: Hdf5Group, limit = 20_000): void {
  const queue: Hdf5Group[] = [root];
  let visited = 0;
  while (queue.length > 0) {
    const group = queue.shift()!;
    group.attrs();
    for (const key of group.keys()) {
      if (++visited > limit) return;
      const node = group.get(key);
      node.attrs();
      if (node instanceof Hdf5Group) queue.push(node);
      else node.read();
    }
  }
}

const npyFiles = (): string[] =>
  readdirSync(join(FIXTURES, "io"))
    .filter((f) => f.endsWith(".npy"))
    .sort();

function zipMember(path: string, member: string): Uint8Array {
  return new ZipReader(read(path), path).read(member).slice();
}

/** Writes `bytes` to a fresh file under `dir` named for the case; the path is the `where`. */
function caseFile(ext: string): (dir: string, i: number) => string {
  return (dir, i) => join(dir, `case-${i}${ext}`);
}

let seqModel: Model | undefined;
async function modelForWeights(): Promise<Model> {
  seqModel ??= await st.models.loadModel(join(FIXTURES, "keras/seq.keras"), { compile: false });
  return seqModel;
}

async function fileCase(
  bytes: Uint8Array,
  path: string,
  use: (path: string) => Promise<unknown>,
): Promise<void> {
  writeFileSync(path, bytes);
  await use(path);
}

export const TARGETS: Target[] = [
  {
    name: "zip",
    seeds: async () =>
      ["io/dtypes.npz", "io/dtypes_compressed.npz", "keras/seq.keras"].map((f) =>
        zipSeed(f, read(f)),
      ),
    run: async (bytes, where) => {
      const zip = new ZipReader(bytes, where);
      for (const name of zip.names()) zip.read(name);
    },
    whereFor: label("zip"),
  },
  {
    name: "hdf5",
    seeds: async () => [
      hdf5Seed("keras/seq.weights.h5", read("keras/seq.weights.h5")),
      hdf5Seed("keras/seq.legacy.h5", read("keras/seq.legacy.h5")),
      hdf5Seed("seq.keras/model.weights.h5", zipMember("keras/seq.keras", "model.weights.h5")),
    ],
    run: async (bytes, where) => walkHdf5(readHdf5(bytes, where)),
    whereFor: label("hdf5"),
  },
  {
    name: "keras",
    seeds: async () => [zipSeed("keras/seq.keras", read("keras/seq.keras"))],
    run: (bytes, where) => fileCase(bytes, where, (p) => st.models.loadModel(p)),
    whereFor: caseFile(".keras"),
  },
  {
    // The members of a `.keras` archive mutated past its CRC-32s: the archive is rebuilt around
    // the corrupt config.json or model.weights.h5, so loadModel reads what a bad writer wrote.
    name: "keras-members",
    seeds: async () => [
      plainSeed("seq.keras/config.json", zipMember("keras/seq.keras", "config.json")),
      hdf5Seed("seq.keras/model.weights.h5", zipMember("keras/seq.keras", "model.weights.h5")),
    ],
    run: (bytes, where) => {
      const original = new ZipReader(read("keras/seq.keras"), "seq.keras");
      const member = bytes[0] === 0x7b ? "config.json" : "model.weights.h5";
      const members = original
        .names()
        .map((name): [string, Uint8Array] => [name, name === member ? bytes : original.read(name)]);
      return fileCase(encodeZip(members), where, (p) => st.models.loadModel(p));
    },
    whereFor: caseFile(".keras"),
  },
  {
    name: "legacy-h5",
    seeds: async () => [hdf5Seed("keras/seq.legacy.h5", read("keras/seq.legacy.h5"))],
    run: (bytes, where) => fileCase(bytes, where, (p) => st.models.loadModel(p)),
    whereFor: caseFile(".h5"),
  },
  {
    name: "weights-h5",
    seeds: async () => [hdf5Seed("keras/seq.weights.h5", read("keras/seq.weights.h5"))],
    run: async (bytes, where) => {
      const model = await modelForWeights();
      await fileCase(bytes, where, (p) => model.loadWeights(p));
    },
    whereFor: caseFile(".weights.h5"),
  },
  {
    name: "npy",
    seeds: async () => npyFiles().map((f) => plainSeed(`io/${f}`, read(`io/${f}`))),
    run: async (bytes, where) => {
      const arr = parseNpy(bytes, {}, where);
      if (!Array.isArray(arr.data)) npyToTensor(arr, where);
    },
    whereFor: label("npy"),
  },
  {
    name: "npz",
    seeds: async () =>
      ["io/dtypes.npz", "io/dtypes_compressed.npz"].map((f) => zipSeed(f, read(f))),
    run: async (bytes, where) => {
      for (const [key, arr] of parseNpz(bytes, {}, where)) {
        if (!Array.isArray(arr.data)) npyToTensor(arr, `${where}/${key}.npy`);
      }
    },
    whereFor: label("npz"),
  },
  {
    name: "pickle",
    seeds: async () => {
      const { cases } = JSON.parse(readFileSync(join(FIXTURES, "io/pickles.json"), "utf8")) as {
        cases: { protocol: number; hex: string }[];
      };
      const seeds = cases.map((c) =>
        plainSeed(`pickles.json protocol ${c.protocol}`, Buffer.from(c.hex, "hex")),
      );
      for (const f of npyFiles().filter((name) => name.startsWith("objects"))) {
        // An object array's payload: the pickle after the .npy header.
        const bytes = read(`io/${f}`);
        const view = new DataView(bytes.buffer, bytes.byteOffset);
        const start = bytes[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
        seeds.push(plainSeed(`io/${f} payload`, bytes.slice(start)));
      }
      return seeds;
    },
    run: async (bytes, where) => {
      const value = unpickle(bytes, where);
      if (value instanceof PickledArray) fromPickled(value, {}, where);
    },
    whereFor: label("pickle"),
  },
  {
    name: "tar",
    seeds: async () =>
      ["io/ustar.tar", "io/longnames_gnu.tar", "io/longnames_pax.tar"].map((f) =>
        tarSeed(f, read(f)),
      ),
    run: async (bytes, where) => void readTar(bytes, where),
    whereFor: label("tar"),
  },
  {
    name: "record-file",
    seeds: async (dir) => {
      const path = join(dir, "seed.records");
      const writer = await RecordFileWriter.create(path);
      for (let i = 0; i < 4; i++) {
        await writer.write({
          structure: { x: null, y: [null, null] },
          components: [
            {
              dtype: "float32",
              shape: [2, 3],
              data: Float32Array.from({ length: 6 }, (_, k) => k + i),
            },
            { dtype: "int32", shape: [], data: Int32Array.of(i) },
            { dtype: "string", shape: [2], data: [`a${i}`, "bc"] },
          ],
        });
      }
      await writer.commit();
      return [plainSeed("dataset cache", new Uint8Array(readFileSync(path)))];
    },
    run: (bytes, where) =>
      fileCase(bytes, where, async (p) => {
        for await (const record of readRecords(p)) void record;
      }),
    whereFor: caseFile(".records"),
  },
  {
    name: "weights-json",
    seeds: async (dir) => {
      const path = join(dir, "seed.weights.json");
      await saveWeightsFile(
        path,
        [
          {
            name: "dense/kernel",
            shape: [3, 2],
            dtype: "float32",
            data: Float32Array.of(1, 2, 3, 4, 5, 6),
          },
          { name: "dense/bias", shape: [2], dtype: "float64", data: Float64Array.of(0.5, -1) },
        ],
        { optimizer: [{ name: "iteration", shape: [], dtype: "int32", data: Int32Array.of(7) }] },
      );
      return [plainSeed("weights json", new Uint8Array(readFileSync(path)))];
    },
    run: async (bytes, where) => void parseWeightsFile(new TextDecoder().decode(bytes), where),
    whereFor: label("weights-json"),
  },
];
