/**
 * `st.callbacks` (keras.callbacks): the training callbacks of train/callbacks plus TensorBoard,
 * which writes event files from the tools layer.
 */
export * from "../train/callbacks/index.js";
export { TensorBoard, type TensorBoardOptions } from "./tensorboard/tensorboard-callback.js";
