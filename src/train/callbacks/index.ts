/** Keras's callbacks (`keras.callbacks.*`). */
export {
  Callback,
  CallbackList,
  History,
  type CallbackModel,
  type Logs,
  type TrainParams,
} from "./callback.js";
export { ProgbarLogger } from "./progbar.js";
export { EarlyStopping, type EarlyStoppingOptions } from "./early-stopping.js";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model-checkpoint.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce-lr-on-plateau.js";
export { LearningRateScheduler, type Schedule } from "./learning-rate-scheduler.js";
export { CSVLogger, type CSVLoggerOptions } from "./csv-logger.js";
export { TerminateOnNaN } from "./terminate-on-nan.js";
export { BackupAndRestore, type BackupAndRestoreOptions } from "./backup-and-restore.js";
export { LambdaCallback, type LambdaCallbackOptions } from "./lambda-callback.js";
export { RemoteMonitor, type RemoteMonitorOptions } from "./remote-monitor.js";
export { SwapEMAWeights } from "./swap-ema-weights.js";
