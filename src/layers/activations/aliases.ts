/**
 * Keras 3.16's other names for layers (keras/api/layers/__init__.py imports these classes a second
 * time under them): the same classes, registered under the alias too so configs written with the
 * alias as class name load. A saved layer is still written under its own class name, as Keras
 * writes it (the class's registration comes first: this module imports the class's module).
 */
import { Conv1D, Conv2D, Conv3D } from "../conv/conv.js";
import { Conv1DTranspose, Conv2DTranspose, Conv3DTranspose } from "../conv/conv2d-transpose.js";
import { SeparableConv1D, SeparableConv2D } from "../conv/separable-conv.js";
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
} from "../pooling/global-pooling.js";
import {
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
} from "../pooling/pooling.js";
import { GroupedQueryAttention } from "../attention/group-query-attention.js";
import { registerKerasLayers } from "../registry.js";

/** Each alias and the class it names, as Keras exports them. */
export const LAYER_ALIASES = {
  Convolution1D: Conv1D,
  Convolution2D: Conv2D,
  Convolution3D: Conv3D,
  Convolution1DTranspose: Conv1DTranspose,
  Convolution2DTranspose: Conv2DTranspose,
  Convolution3DTranspose: Conv3DTranspose,
  SeparableConvolution1D: SeparableConv1D,
  SeparableConvolution2D: SeparableConv2D,
  AvgPool1D: AveragePooling1D,
  AvgPool2D: AveragePooling2D,
  AvgPool3D: AveragePooling3D,
  MaxPool1D: MaxPooling1D,
  MaxPool2D: MaxPooling2D,
  MaxPool3D: MaxPooling3D,
  GlobalAvgPool1D: GlobalAveragePooling1D,
  GlobalAvgPool2D: GlobalAveragePooling2D,
  GlobalAvgPool3D: GlobalAveragePooling3D,
  GlobalMaxPool1D: GlobalMaxPooling1D,
  GlobalMaxPool2D: GlobalMaxPooling2D,
  GlobalMaxPool3D: GlobalMaxPooling3D,
  GroupQueryAttention: GroupedQueryAttention,
} as const;

registerKerasLayers(LAYER_ALIASES);

export {
  Conv1D as Convolution1D,
  Conv2D as Convolution2D,
  Conv3D as Convolution3D,
  Conv1DTranspose as Convolution1DTranspose,
  Conv2DTranspose as Convolution2DTranspose,
  Conv3DTranspose as Convolution3DTranspose,
  SeparableConv1D as SeparableConvolution1D,
  SeparableConv2D as SeparableConvolution2D,
  AveragePooling1D as AvgPool1D,
  AveragePooling2D as AvgPool2D,
  AveragePooling3D as AvgPool3D,
  MaxPooling1D as MaxPool1D,
  MaxPooling2D as MaxPool2D,
  MaxPooling3D as MaxPool3D,
  GlobalAveragePooling1D as GlobalAvgPool1D,
  GlobalAveragePooling2D as GlobalAvgPool2D,
  GlobalAveragePooling3D as GlobalAvgPool3D,
  GlobalMaxPooling1D as GlobalMaxPool1D,
  GlobalMaxPooling2D as GlobalMaxPool2D,
  GlobalMaxPooling3D as GlobalMaxPool3D,
  GroupedQueryAttention as GroupQueryAttention,
};
