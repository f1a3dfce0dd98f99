/** Reads TensorBoard event files for the dashboard (interim: until the event reader lands). */
import { ValueError } from "../../errors.js";
import type { EventTail } from "./board-events.js";

export function openEventTail(path: string): EventTail {
  throw new ValueError(`board: cannot read ${path}: no TensorBoard event reader in this build`);
}
