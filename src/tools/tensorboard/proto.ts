/**
 * TensorBoard's protocol buffer messages (Event, Summary, TensorProto, GraphDef …), built by
 * protobufjs from TensorBoard's own schemas: `proto/*.proto`, compiled into the JSON descriptor
 * `schema.gen.ts` by scripts/gen-tensorboard-proto.mjs. Field names are protobufjs's camelCase
 * (`wall_time` → `wallTime`).
 */
import protobuf from "protobufjs";
import { TENSORBOARD_PROTO_SCHEMA } from "./schema.gen.js";

const root = protobuf.Root.fromJSON(TENSORBOARD_PROTO_SCHEMA as protobuf.INamespace);

/** `tensorboard.Event`: one record of an event file. */
export const EventMessage = root.lookupType("tensorboard.Event");
/** `tensorboard.GraphDef`: a graph of TensorFlow ops (the bytes of `Event.graph_def`). */
export const GraphDefMessage = root.lookupType("tensorboard.GraphDef");

/** Decoding options: 64-bit integers as numbers, enums by name, bytes as Uint8Array. */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String };

/** Encodes a plain object as the message `type` (nested objects and enum names are converted). */
export function encodeMessage(type: protobuf.Type, value: Record<string, unknown>): Uint8Array {
  const message = type.fromObject(value);
  const problem = type.verify(message);
  if (problem) throw new Error(`${type.name}: ${problem}`);
  return type.encode(message).finish();
}

/** Decodes `bytes` as the message `type` into a plain object (see TO_OBJECT). */
export function decodeMessage(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

/** The plain-object shape of a `TensorProto` as protobufjs reads and writes it (the fields used). */
export interface TensorProtoObject {
  dtype?: string;
  tensorShape?: { dim?: { size?: number; name?: string }[]; unknownRank?: boolean };
  tensorContent?: Uint8Array;
  halfVal?: number[];
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: number[];
  boolVal?: boolean[];
  stringVal?: Uint8Array[];
}

/** The plain-object shape of `SummaryMetadata`. */
export interface SummaryMetadataObject {
  pluginData?: { pluginName?: string; content?: Uint8Array };
  displayName?: string;
  summaryDescription?: string;
  dataClass?: string;
}

/** The plain-object shape of a `Summary.Value` (TF1's legacy fields included, for reading). */
export interface SummaryValueObject {
  tag?: string;
  nodeName?: string;
  metadata?: SummaryMetadataObject;
  simpleValue?: number;
  image?: { height?: number; width?: number; colorspace?: number; encodedImageString?: Uint8Array };
  histo?: {
    min?: number;
    max?: number;
    num?: number;
    sum?: number;
    sumSquares?: number;
    bucketLimit?: number[];
    bucket?: number[];
  };
  tensor?: TensorProtoObject;
}

/** The plain-object shape of an `Event`. */
export interface EventObject {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: { value?: SummaryValueObject[] };
  sourceMetadata?: { writer?: string };
}
