/**
 * Issue 12's workloads as Strata models (bench/lib/apps.ts), shared by the bench runner
 * (strata-apps.ts) and bench/profile.ts: `st.applications` with `weights: null`, and keras.io's
 * "Text classification with Transformer" written as that tutorial writes it (a token + position
 * embedding layer and a TransformerBlock layer, both custom layers).
 */
import * as st from "../../src/index.js";
import { layers, ops } from "../../src/index.js";
import { TEXT, type AppId } from "../lib/apps.js";

/** The tutorial's TokenAndPositionEmbedding: token embedding plus a learned position embedding. */
class TokenAndPositionEmbedding extends layers.Layer {
  readonly tokenEmb: st.layers.Embedding;
  readonly posEmb: st.layers.Embedding;

  constructor(maxlen: number, vocabSize: number, embedDim: number) {
    super({});
    this.tokenEmb = new layers.Embedding(vocabSize, embedDim);
    this.posEmb = new layers.Embedding(maxlen, embedDim);
  }

  override call(x: st.Tensor): st.Tensor {
    const positions = ops.arange(0, x.shape.at(-1)!, 1, "int32");
    return ops.add(this.tokenEmb.apply(x), this.posEmb.apply(positions));
  }
}

/** The tutorial's TransformerBlock: self-attention and a feed-forward net, each residual + LN. */
class TransformerBlock extends layers.Layer {
  readonly att: st.layers.MultiHeadAttention;
  readonly ffn1: st.layers.Dense;
  readonly ffn2: st.layers.Dense;
  readonly layernorm1: st.layers.LayerNormalization;
  readonly layernorm2: st.layers.LayerNormalization;
  readonly dropout1: st.layers.Dropout;
  readonly dropout2: st.layers.Dropout;

  constructor(embedDim: number, numHeads: number, ffDim: number, rate = 0.1) {
    super({});
    this.att = new layers.MultiHeadAttention({ numHeads, keyDim: embedDim });
    this.ffn1 = new layers.Dense(ffDim, { activation: "relu" });
    this.ffn2 = new layers.Dense(embedDim);
    this.layernorm1 = new layers.LayerNormalization({ epsilon: 1e-6 });
    this.layernorm2 = new layers.LayerNormalization({ epsilon: 1e-6 });
    this.dropout1 = new layers.Dropout(rate);
    this.dropout2 = new layers.Dropout(rate);
  }

  override call(inputs: st.Tensor, opts: { training?: boolean }): st.Tensor {
    const training = opts.training ?? false;
    let attn = this.att.apply([inputs, inputs], { training }) as st.Tensor;
    attn = this.dropout1.apply(attn, { training }) as st.Tensor;
    const out1 = this.layernorm1.apply(ops.add(inputs, attn)) as st.Tensor;
    let ffn = this.ffn2.apply(this.ffn1.apply(out1)) as st.Tensor;
    ffn = this.dropout2.apply(ffn, { training }) as st.Tensor;
    return this.layernorm2.apply(ops.add(out1, ffn)) as st.Tensor;
  }
}

/** keras.io's Transformer text classifier, compiled as the tutorial compiles it (no metrics). */
function textClassifier(jitCompile: st.JitCompile): st.Model {
  const inputs = st.Input({ shape: [TEXT.maxlen], dtype: "int32" });
  let x = new TokenAndPositionEmbedding(TEXT.maxlen, TEXT.vocab, TEXT.embedDim).apply(inputs);
  x = new TransformerBlock(TEXT.embedDim, TEXT.numHeads, TEXT.ffDim).apply(x);
  x = new layers.GlobalAveragePooling1D().apply(x);
  x = new layers.Dropout(0.1).apply(x);
  x = new layers.Dense(20, { activation: "relu" }).apply(x);
  x = new layers.Dropout(0.1).apply(x);
  const outputs = new layers.Dense(2, { activation: "softmax" }).apply(x);
  const model = new st.Model({ inputs, outputs });
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", jitCompile });
  return model;
}

/**
 * The workload's model: the application as a user builds it, compiled where it trains;
 * `jitCompile` as compile takes it (an inference model is compiled for it alone).
 */
export async function buildApp(id: AppId, jitCompile: st.JitCompile = "auto"): Promise<st.Model> {
  const apps = st.applications;
  const inference = (model: st.Model) => {
    model.compile({ jitCompile });
    return model;
  };
  switch (id) {
    case "resnet50-b1":
    case "resnet50-b32":
      return inference(await apps.ResNet50({ weights: null }));
    case "vgg16-features":
      return inference(
        await apps.VGG16({ weights: null, includeTop: false, inputShape: [180, 180, 3] }),
      );
    case "mobilenetv2-train": {
      const model = await apps.MobileNetV2({ weights: null, inputShape: [96, 96, 3], classes: 10 });
      model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", jitCompile });
      return model;
    }
    case "transformer-train":
    case "transformer-infer":
      return textClassifier(jitCompile);
  }
}
