/**
 * `st.datasets`: Keras's built-in datasets (`keras.datasets`), under the same names, camelCased.
 * Each namespace holds only what Keras's module does; the parsing helpers stay internal.
 */
import * as bostonHousingModule from "./boston-housing.js";
import * as californiaHousingModule from "./california-housing.js";
import * as cifar10Module from "./cifar10.js";
import * as cifar100Module from "./cifar100.js";
import * as fashionMnistModule from "./fashion-mnist.js";
import * as imdbModule from "./imdb.js";
import * as mnistModule from "./mnist.js";
import * as reutersModule from "./reuters.js";

export const mnist = Object.freeze({ loadData: mnistModule.loadData });
export const fashionMnist = Object.freeze({ loadData: fashionMnistModule.loadData });
export const cifar10 = Object.freeze({ loadData: cifar10Module.loadData });
export const cifar100 = Object.freeze({ loadData: cifar100Module.loadData });
export const imdb = Object.freeze({
  loadData: imdbModule.loadData,
  getWordIndex: imdbModule.getWordIndex,
});
export const reuters = Object.freeze({
  loadData: reutersModule.loadData,
  getWordIndex: reutersModule.getWordIndex,
  getLabelNames: reutersModule.getLabelNames,
});
export const bostonHousing = Object.freeze({ loadData: bostonHousingModule.loadData });
export const californiaHousing = Object.freeze({ loadData: californiaHousingModule.loadData });

export type { DatasetOptions } from "./cache.js";
export type { SequenceOptions, Splits } from "./common.js";
export type { MnistOptions } from "./mnist.js";
export type { ImdbOptions } from "./imdb.js";
export type { ReutersOptions } from "./reuters.js";
export type { BostonHousingOptions } from "./boston-housing.js";
export type { CaliforniaHousingOptions } from "./california-housing.js";
export type { Cifar100Options } from "./cifar100.js";
