/** `layers.*`: Keras layers by their Keras class names. */
export {
  Layer,
  SymbolicTensor,
  type LayerArgs,
  type CallOptions,
  type AddWeightOptions,
} from "./layer.js";
export { type ShapeSpec } from "./shape-spec.js";
export { InputSpec, type InputSpecArgs, type InputSpecs } from "./input-spec.js";
export { Input, InputLayer, type InputOptions } from "./core/input.js";
export { Dense, type DenseArgs } from "./core/dense.js";
export { Activation } from "./core/activation.js";
export { Dropout, type DropoutArgs } from "./core/dropout.js";
export { Flatten, type FlattenArgs } from "./core/flatten.js";
export { Reshape } from "./core/reshape.js";
export { Permute } from "./core/permute.js";
export { RepeatVector } from "./core/repeat-vector.js";
export { Lambda, type LambdaArgs, type LambdaFunction } from "./core/lambda.js";
export { Embedding, type EmbeddingArgs } from "./core/embedding.js";
export {
  ReversibleEmbedding,
  type ReversibleEmbeddingArgs,
  type ReversibleEmbeddingCallOptions,
} from "./core/reversible-embedding.js";
export { Masking, type MaskingArgs } from "./core/masking.js";
export { Merge } from "./merging/base-merge.js";
export {
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  add,
  subtract,
  multiply,
  average,
  maximum,
  minimum,
} from "./merging/arithmetic.js";
export { Concatenate, concatenate, type ConcatenateArgs } from "./merging/concatenate.js";
export { Dot, dot, type DotArgs } from "./merging/dot.js";
export {
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  type SpatialDropoutArgs,
  type SpatialDropout2DArgs,
} from "./regularization/spatial-dropout.js";
export { GaussianNoise, GaussianDropout, type NoiseArgs } from "./regularization/gaussian-noise.js";
export {
  ActivityRegularization,
  type ActivityRegularizationArgs,
} from "./regularization/activity-regularization.js";
export { BaseConv, type ConvArgs, type ConvGeometryArgs } from "./conv/base-conv.js";
export { Conv1D, Conv2D, Conv3D } from "./conv/conv.js";
export { SeparableConv1D, SeparableConv2D, type SeparableConvArgs } from "./conv/separable-conv.js";
export {
  DepthwiseConv1D,
  DepthwiseConv2D,
  type DepthwiseConvArgs,
} from "./conv/depthwise-conv2d.js";
export {
  Conv1DTranspose,
  Conv2DTranspose,
  Conv3DTranspose,
  type ConvTransposeArgs,
} from "./conv/conv2d-transpose.js";
export { UpSampling2D, type UpSampling2DArgs } from "./conv/up-sampling2d.js";
export { ZeroPadding2D, type ZeroPadding2DArgs } from "./conv/zero-padding2d.js";
export { Cropping2D, type Cropping2DArgs } from "./conv/cropping2d.js";
export {
  Cropping1D,
  Cropping3D,
  type Cropping1DArgs,
  type Cropping3DArgs,
} from "./reshaping/cropping.js";
export {
  ZeroPadding1D,
  ZeroPadding3D,
  type ZeroPadding1DArgs,
  type ZeroPadding3DArgs,
} from "./reshaping/zero-padding.js";
export {
  UpSampling1D,
  UpSampling3D,
  type UpSampling1DArgs,
  type UpSampling3DArgs,
} from "./reshaping/up-sampling.js";
export {
  BaseAdaptivePooling,
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
  type AdaptivePoolingArgs,
} from "./pooling/adaptive-pooling.js";
export { BasePooling, type PoolingArgs } from "./pooling/base-pooling.js";
export {
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
} from "./pooling/pooling.js";
export {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
  type GlobalPoolingArgs,
} from "./pooling/global-pooling.js";
export {
  BatchNormalization,
  type BatchNormalizationArgs,
  type RenormClipping,
} from "./normalization/batch-normalization.js";
export {
  LayerNormalization,
  type LayerNormalizationArgs,
} from "./normalization/layer-normalization.js";
export {
  GroupNormalization,
  type GroupNormalizationArgs,
} from "./normalization/group-normalization.js";
export {
  UnitNormalization,
  type UnitNormalizationArgs,
} from "./normalization/unit-normalization.js";
export { RMSNormalization, type RMSNormalizationArgs } from "./normalization/rms-normalization.js";
export { Wrapper } from "./core/wrapper.js";
export {
  SpectralNormalization,
  type SpectralNormalizationArgs,
} from "./normalization/spectral-normalization.js";
export { Attention, type AttentionArgs, type AttentionCallOptions } from "./attention/attention.js";
export {
  MultiHeadAttention,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionCallOptions,
} from "./attention/multi-head-attention.js";
export { AdditiveAttention, type AdditiveAttentionArgs } from "./attention/additive-attention.js";
export { AlphaDropout } from "./regularization/alpha-dropout.js";
export {
  GroupedQueryAttention,
  type GroupedQueryAttentionArgs,
} from "./attention/group-query-attention.js";
export { EinsumDense, type EinsumDenseArgs } from "./core/einsum-dense.js";
export { RNN, type RNNArgs, type RNNCallOptions } from "./recurrent/rnn.js";
export { RNNCell, type CellArgs } from "./recurrent/rnn-cell.js";
export { StackedRNNCells } from "./recurrent/stacked-rnn-cells.js";
export {
  SimpleRNN,
  SimpleRNNCell,
  type SimpleRNNArgs,
  type SimpleRNNCellArgs,
} from "./recurrent/simple-rnn.js";
export { LSTM, LSTMCell, type LSTMArgs, type LSTMCellArgs } from "./recurrent/lstm.js";
export { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, type ConvLSTMArgs } from "./recurrent/conv-lstm.js";
export { GRU, GRUCell, type GRUArgs, type GRUCellArgs } from "./recurrent/gru.js";
export {
  Bidirectional,
  type BidirectionalArgs,
  type MergeMode,
} from "./recurrent/bidirectional.js";
export { TimeDistributed } from "./recurrent/time-distributed.js";
export {
  registerLayer,
  serializeLayer,
  deserializeLayer,
  serialize,
  deserialize,
  registeredLayerNames,
  type CustomObjects,
  type SerializedLayer,
  type LayerClass,
} from "./registry.js";
export { Pipeline, type PipelineArgs } from "./preprocessing/pipeline/pipeline.js";
export * from "./preprocessing/image/index.js";
export * from "./preprocessing/numeric/index.js";
export * from "./preprocessing/text/index.js";
export * from "./preprocessing/audio/index.js";
export * from "./activations/index.js";
