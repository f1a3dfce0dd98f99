/**
 * The dashboard's view of a TensorBoard event file: TensorBoard's own reader (tensorboard/
 * event-reader.ts) follows the file, and its events become the few kinds the board shows.
 * Images, text and GraphDefs are skipped; the file-version record marks when the writer started.
 */
import { EventFileReader, type TensorBoardEvent } from "../tensorboard/event-reader.js";
import type { BoardEvent, EventTail } from "./board-events.js";

function toBoardEvent(event: TensorBoardEvent): BoardEvent | null {
  switch (event.kind) {
    case "fileVersion":
      return { kind: "start", wallTime: event.wallTime };
    case "scalar":
    case "histogram":
      return event;
    case "kerasModel":
      return {
        kind: "model",
        tag: event.tag,
        step: event.step,
        wallTime: event.wallTime,
        config: event.config,
      };
    default:
      return null;
  }
}

export function openEventTail(path: string): EventTail {
  const reader = new EventFileReader(path);
  return {
    async readNew() {
      const events = await reader.poll();
      return events.map(toBoardEvent).filter((e): e is BoardEvent => e !== null);
    },
  };
}
