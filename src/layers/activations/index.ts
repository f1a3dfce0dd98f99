/** Keras's activation layers, Identity, the layer aliases, and `st.activations` (functions.ts). */
export { ReLU, type ReLUArgs } from "./relu.js";
export { LeakyReLU, type LeakyReLUArgs } from "./leaky-relu.js";
export { PReLU, type PReLUArgs } from "./prelu.js";
export { ELU, type ELUArgs } from "./elu.js";
export { Softmax, type SoftmaxArgs } from "./softmax.js";
export { Identity } from "./identity.js";
export {
  Convolution1D,
  Convolution2D,
  Convolution3D,
  Convolution1DTranspose,
  Convolution2DTranspose,
  Convolution3DTranspose,
  SeparableConvolution1D,
  SeparableConvolution2D,
  AvgPool1D,
  AvgPool2D,
  AvgPool3D,
  MaxPool1D,
  MaxPool2D,
  MaxPool3D,
  GlobalAvgPool1D,
  GlobalAvgPool2D,
  GlobalAvgPool3D,
  GlobalMaxPool1D,
  GlobalMaxPool2D,
  GlobalMaxPool3D,
  GroupQueryAttention,
} from "./aliases.js";
