/** Small HTTP helpers for the server tests: JSON requests to a running server through fetch. */
export interface Answer {
  status: number;
  body: unknown;
  text: string;
  contentType: string | null;
}

export async function request(
  url: string,
  init: { method?: string; body?: string | unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body =
    init.body === undefined || typeof init.body === "string"
      ? init.body
      : JSON.stringify(init.body);
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    body,
    headers: init.headers,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics, or TF Serving's NaN tokens): the text is there
  }
  return { status: res.status, body: parsed, text, contentType: res.headers.get("content-type") };
}

/** Asserts each number of `got` is within `tol` of `want`, nested lists alike. */
export function assertClose(got: unknown, want: unknown, tol = 1e-5, path = "value"): void {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      throw new Error(
        `${path}: expected a list of ${want.length}, received ${JSON.stringify(got)}`,
      );
    }
    want.forEach((w, i) => assertClose(got[i], w, tol, `${path}[${i}]`));
    return;
  }
  if (typeof want === "number") {
    if (typeof got !== "number" || Math.abs(got - want) > tol * Math.max(1, Math.abs(want))) {
      throw new Error(`${path}: expected ${want}, received ${JSON.stringify(got)}`);
    }
    return;
  }
  if (want && typeof want === "object") {
    if (!got || typeof got !== "object")
      throw new Error(`${path}: expected an object, received ${JSON.stringify(got)}`);
    const keys = Object.keys(want);
    if (JSON.stringify(Object.keys(got).sort()) !== JSON.stringify([...keys].sort())) {
      throw new Error(`${path}: expected keys ${keys}, received ${Object.keys(got)}`);
    }
    for (const k of keys) {
      assertClose(
        (got as Record<string, unknown>)[k],
        (want as Record<string, unknown>)[k],
        tol,
        `${path}.${k}`,
      );
    }
    return;
  }
  if (got !== want)
    throw new Error(`${path}: expected ${JSON.stringify(want)}, received ${JSON.stringify(got)}`);
}
