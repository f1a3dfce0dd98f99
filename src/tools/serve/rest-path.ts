/**
 * TF Serving's REST paths (http_rest_api_util.cc), matched the same way, case-insensitively:
 * `POST /v1/models/NAME[/versions/N|/labels/L]:(predict|classify|regress)` and
 * `GET /v1/models/NAME[/versions/N|/labels/L][/metadata]`. Anything else under /v1 is a
 * malformed request (400), as there.
 */
import { ValueError } from "../../errors.js";

const PREDICTION =
  /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?:(classify|regress|predict)$/i;
const STATUS =
  /^\/v1\/models(?:\/([^/:]+))?(?:\/versions\/(\d+)|\/labels\/([^/:]+))?(?:\/(metadata))?$/i;

export interface RestPath {
  readonly model: string;
  readonly version?: number;
  readonly label?: string;
  /** "predict" | "classify" | "regress" for POST; "status" | "metadata" for GET */
  readonly api: "predict" | "classify" | "regress" | "status" | "metadata";
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ValueError(`Failed to decode model name:${part}`);
  }
}

export function parseRestPath(method: string, url: string): RestPath {
  const path = url.split("?")[0]!;
  const malformed = () => new ValueError(`Malformed request: ${method} ${path}`);
  const m = (method === "POST" ? PREDICTION : STATUS).exec(path);
  if (!m || (method !== "POST" && method !== "GET")) throw malformed();
  const [, name, versionText, label, last] = m;
  if (name === undefined) throw new ValueError("Missing model name in request.");
  let version: number | undefined;
  if (versionText !== undefined) {
    version = Number(versionText);
    if (!Number.isSafeInteger(version)) {
      throw new ValueError(`Failed to convert version: ${versionText} to numeric.`);
    }
  }
  const api =
    method === "POST"
      ? (last!.toLowerCase() as RestPath["api"])
      : last === undefined
        ? "status"
        : "metadata";
  return {
    model: decode(name),
    api,
    ...(version !== undefined ? { version } : {}),
    ...(label !== undefined ? { label: decode(label) } : {}),
  };
}
