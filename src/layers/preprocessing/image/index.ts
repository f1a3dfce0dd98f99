/** Image preprocessing and augmentation layers (Keras's `keras.layers` image preprocessing). */
export {};
