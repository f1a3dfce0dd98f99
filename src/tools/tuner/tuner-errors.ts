/**
 * KerasTuner's errors that steer a search: a `FailedTrialError` thrown while building or training
 * marks the trial FAILED without retries (e.g. an oversized model); a `FatalTunerError` stops the
 * search (a hypermodel that returns no model, results without the objective). Any other error
 * marks the trial INVALID, retried up to maxRetriesPerTrial times.
 */
import { StrataError, ValueError } from "../../errors.js";

export class FailedTrialError extends StrataError {}

export class FatalTunerError extends ValueError {}
