/**
 * Stand-in event files for the board's tests until the TensorBoard writer is merged: one JSON
 * BoardEvent per line, read incrementally like the real tail (a line not yet ended waits).
 */
import { appendFileSync, mkdirSync, openSync, readSync, closeSync, fstatSync } from "node:fs";
import { join } from "node:path";
import type { BoardEvent, EventTail } from "../../../src/tools/board/board-events.js";

export function openJsonTail(path: string): EventTail {
  let offset = 0;
  return {
    readNew() {
      const fd = openSync(path, "r");
      try {
        const size = fstatSync(fd).size;
        const buf = Buffer.alloc(size - offset);
        readSync(fd, buf, 0, buf.length, offset);
        const text = buf.toString("utf8");
        const end = text.lastIndexOf("\n") + 1;
        offset += Buffer.byteLength(text.slice(0, end));
        const lines = text.slice(0, end).split("\n").filter(Boolean);
        return Promise.resolve(lines.map((l) => JSON.parse(l) as BoardEvent));
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** Appends events to `dir/events.out.tfevents.test`, creating the directory. */
export function writeEvents(dir: string, events: readonly BoardEvent[]): void {
  mkdirSync(dir, { recursive: true });
  appendFileSync(
    join(dir, "events.out.tfevents.test"),
    events.map((e) => JSON.stringify(e) + "\n").join(""),
  );
}
