/**
 * Keras's interactive logging switch (keras/src/utils/io_utils.py). On (the default), progress
 * bars, fit's epoch lines and `summary` write to their stream (stdout), a progress bar redrawn
 * in place on a terminal. Off — for jobs on servers, where Keras sends the same messages to
 * `absl.logging` — every message goes to the log instead: stderr (where Python's logging writes
 * by default), one complete line per message, never redrawn in place and free of terminal
 * control characters, so log files stay readable.
 */

let interactiveLogging = true;

/** Keras `enable_interactive_logging()`: messages go to stdout, progress bars live. */
export function enableInteractiveLogging(): void {
  interactiveLogging = true;
}

/** Keras `disable_interactive_logging()`: messages go to the log (stderr), as plain lines. */
export function disableInteractiveLogging(): void {
  interactiveLogging = false;
}

/** Keras `is_interactive_logging_enabled()`. Default true. */
export function isInteractiveLoggingEnabled(): boolean {
  return interactiveLogging;
}

// Carriage returns and the "erase to end of line" sequence a live progress line uses.
// eslint-disable-next-line no-control-regex
const CONTROL = /\r|\x1b\[K/g;

/**
 * Writes `text` to the log as Keras's `print_msg` does with interactive logging off: the text
 * without terminal control sequences, each non-empty line on its own.
 */
export function writeToLog(text: string): void {
  const lines = text
    .replace(CONTROL, "")
    .split("\n")
    .filter((l) => l.length > 0);
  for (const line of lines) process.stderr.write(`${line}\n`);
}

/** Keras `print_msg`: `message` to stdout (interactive logging on) or to the log (off). */
export function printMsg(message: string, lineBreak = true): void {
  const text = lineBreak ? `${message}\n` : message;
  if (interactiveLogging) process.stdout.write(text);
  else writeToLog(text);
}
