/**
 * `st.applications`: Keras's `keras.applications` — image models with Keras's architectures,
 * layer names and published ImageNet weight files, and per family (`st.applications.vgg16`,
 * `resnet`, `resnet50`, `resnetV2` …) the models, `preprocessInput` and `decodePredictions`.
 */
import { ResNet50, decodePredictions, preprocessInput } from "./resnet.js";

export { VGG16 } from "./vgg16.js";
export { VGG19 } from "./vgg19.js";
export { ResNet50, ResNet101, ResNet152 } from "./resnet.js";
export { ResNet50V2, ResNet101V2, ResNet152V2 } from "./resnet-v2.js";
export type { ApplicationOptions } from "./application-args.js";
export type { Prediction, PreprocessMode, PreprocessOptions } from "./imagenet-utils.js";
export * as vgg16 from "./vgg16.js";
export * as vgg19 from "./vgg19.js";
export * as resnet from "./resnet.js";
export * as resnetV2 from "./resnet-v2.js";
export * as imagenetUtils from "./imagenet-utils.js";

/** Keras's `keras.applications.resnet50`: ResNet50 with resnet's preprocessing and decoding. */
export const resnet50 = { ResNet50, preprocessInput, decodePredictions } as const;
export { MobileNet } from "./mobilenet.js";
export { MobileNetV2 } from "./mobilenet-v2.js";
export { MobileNetV3Small, MobileNetV3Large } from "./mobilenet-v3.js";
export type { MobileNetOptions } from "./mobilenet.js";
export type { MobileNetV2Options } from "./mobilenet-v2.js";
export type { MobileNetV3Options } from "./mobilenet-v3.js";
export * as mobilenet from "./mobilenet.js";
export * as mobilenetV2 from "./mobilenet-v2.js";
export * as mobilenetV3 from "./mobilenet-v3.js";
export { DenseNet121, DenseNet169, DenseNet201 } from "./densenet.js";
export { Xception } from "./xception.js";
export { InceptionV3 } from "./inception-v3.js";
export { InceptionResNetV2 } from "./inception-resnet-v2.js";
export * as densenet from "./densenet.js";
export * as xception from "./xception.js";
export * as inceptionV3 from "./inception-v3.js";
export * as inceptionResnetV2 from "./inception-resnet-v2.js";
export {
  EfficientNetB0,
  EfficientNetB1,
  EfficientNetB2,
  EfficientNetB3,
  EfficientNetB4,
  EfficientNetB5,
  EfficientNetB6,
  EfficientNetB7,
} from "./efficientnet.js";
export * as efficientnet from "./efficientnet.js";
export {
  EfficientNetV2B0,
  EfficientNetV2B1,
  EfficientNetV2B2,
  EfficientNetV2B3,
  EfficientNetV2S,
  EfficientNetV2M,
  EfficientNetV2L,
} from "./efficientnet-v2.js";
export type { EfficientNetV2Options } from "./efficientnet-v2.js";
export * as efficientnetV2 from "./efficientnet-v2.js";
export {
  ConvNeXtTiny,
  ConvNeXtSmall,
  ConvNeXtBase,
  ConvNeXtLarge,
  ConvNeXtXLarge,
} from "./convnext.js";
export type { ConvNeXtOptions } from "./convnext.js";
export * as convnext from "./convnext.js";
export { NASNetMobile, NASNetLarge } from "./nasnet.js";
export * as nasnet from "./nasnet.js";
