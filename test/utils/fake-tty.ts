// Runs code with process.stdout posing as a terminal (or as a pipe) and returns what it wrote.
// Strings are the code's; the test runner's own reports (buffers) pass through untouched.

export async function captureStdout(isTTY: boolean, fn: () => Promise<unknown>): Promise<string> {
  const out: string[] = [];
  const stdout = process.stdout as { isTTY?: boolean; write: typeof process.stdout.write };
  const write = stdout.write;
  const hadTTY = Object.prototype.hasOwnProperty.call(stdout, "isTTY");
  const tty = stdout.isTTY;
  stdout.isTTY = isTTY;
  stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== "string") return write.call(process.stdout, chunk, ...rest);
    out.push(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    stdout.write = write;
    if (hadTTY) stdout.isTTY = tty;
    else delete stdout.isTTY;
  }
  return out.join("");
}

/** The lines a terminal shows at the end: each `\r` returns to the line's start, `\x1b[K` clears. */
export function screen(text: string): string[] {
  return text
    .replaceAll("\x1b[K", "")
    .split("\n")
    .map((line) => line.split("\r").at(-1)!)
    .filter((line, i, all) => line !== "" || i < all.length - 1);
}
