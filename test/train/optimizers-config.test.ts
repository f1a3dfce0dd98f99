import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  Adamax,
  Lion,
  Nadam,
  Optimizer,
  RMSprop,
  SGD,
  deserialize,
  getOptimizer,
  schedules,
  serialize,
} from "../../src/train/optimizers/index.js";

const BASE = {
  weight_decay: null,
  clipnorm: null,
  global_clipnorm: null,
  clipvalue: null,
  use_ema: false,
  ema_momentum: 0.99,
  ema_overwrite_frequency: null,
  loss_scale_factor: null,
  gradient_accumulation_steps: null,
};

// compile_config.optimizer of the Keras 3.16 fixtures (mlp, convnet, attn, conv_zoo .keras).
const FIXTURES: [string, Record<string, unknown>][] = [
  [
    "RMSprop",
    {
      name: "rm_sprop",
      learning_rate: 0.0010000000474974513,
      ...BASE,
      rho: 0.9,
      momentum: 0.0,
      epsilon: 1e-7,
      centered: false,
    },
  ],
  [
    "Adam",
    {
      name: "adam",
      learning_rate: 0.0010000000474974513,
      ...BASE,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    },
  ],
  [
    "AdamW",
    {
      name: "adam_w",
      learning_rate: 0.0010000000474974513,
      ...BASE,
      weight_decay: 0.004,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    },
  ],
  [
    "SGD",
    { name: "sgd", learning_rate: 0.009999999776482582, ...BASE, momentum: 0.0, nesterov: false },
  ],
];

describe("optimizer configs", () => {
  it("default configs equal Keras's, key for key and in order", () => {
    for (const [cls, config] of FIXTURES) {
      const opt = getOptimizer(cls.toLowerCase());
      assert.equal(opt.constructor.name, cls);
      assert.match(opt.name, new RegExp(`^${config.name as string}(_\\d+)?$`));
      const got = opt.getConfig();
      assert.deepEqual(Object.keys(got), Object.keys(config), cls);
      assert.deepEqual({ ...got, name: config.name }, config, cls);
    }
  });

  it("the other optimizers carry Keras's defaults and keys", () => {
    const own = (o: Optimizer): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(o.getConfig()).filter(
          ([k]) => !(k in BASE) && k !== "name" && k !== "learning_rate",
        ),
      );
    assert.deepEqual(own(new Adagrad()), { initial_accumulator_value: 0.1, epsilon: 1e-7 });
    assert.deepEqual(own(new Adadelta()), { rho: 0.95, epsilon: 1e-7 });
    assert.deepEqual(own(new Adamax()), { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    assert.deepEqual(own(new Nadam()), { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    assert.deepEqual(own(new Lion()), { beta_1: 0.9, beta_2: 0.99 });
    for (const o of [
      new Adagrad(),
      new Adadelta(),
      new Adamax(),
      new Nadam(),
      new Lion(),
      new RMSprop(),
      new Adam(),
    ]) {
      assert.equal(o.getConfig().learning_rate, Math.fround(0.001), o.constructor.name);
    }
  });

  it("names itself like Keras: snake case of the class, made unique", () => {
    const a = new Adam();
    const b = new Adam();
    assert.notEqual(a.name, b.name);
    assert.match(b.name, /^adam_\d+$/);
    assert.match(new RMSprop().name, /^rm_sprop(_\d+)?$/);
    assert.equal(new SGD({ name: "mine" }).name, "mine");
  });

  it("round-trips through fromConfig, serialize and deserialize (fixture configs too)", () => {
    for (const [cls, config] of FIXTURES) {
      const keras = {
        module: `keras.src.backend.torch.optimizers.torch_${cls.toLowerCase()}`,
        class_name: cls,
        config,
        registered_name: cls,
      };
      const opt = deserialize(keras);
      assert.equal(opt.constructor.name, cls);
      assert.deepEqual(opt.getConfig(), config);
    }
    const sgd = new SGD({
      learningRate: 0.5,
      momentum: 0.9,
      nesterov: true,
      clipnorm: 1,
      weightDecay: 0.01,
      name: "s",
    });
    const s = serialize(sgd);
    assert.equal(s.module, "keras.optimizers");
    assert.equal(s.class_name, "SGD");
    assert.equal(s.registered_name, null);
    const back = getOptimizer(JSON.parse(JSON.stringify(s)));
    assert.ok(back instanceof SGD);
    assert.deepEqual(back.getConfig(), sgd.getConfig());
    assert.deepEqual(SGD.fromConfig(sgd.getConfig()).getConfig(), sgd.getConfig());

    const scheduled = new Adam({
      learningRate: new schedules.CosineDecay(0.1, 100, { warmupTarget: 0.5, warmupSteps: 10 }),
    });
    const revived = deserialize(JSON.parse(JSON.stringify(scheduled.serialize())));
    assert.deepEqual(revived.getConfig(), scheduled.getConfig());
    assert.equal(revived.currentLearningRate, 0.1);
    // Keras 2 configs may still carry the removed `decay` argument, which Keras 3 ignores.
    assert.ok(Adam.fromConfig({ learning_rate: 0.01, decay: 0.0 }) instanceof Adam);
  });

  it("getOptimizer resolves Keras strings in any case, instances and configs", () => {
    const classes = {
      sgd: SGD,
      rmsprop: RMSprop,
      adam: Adam,
      adamw: AdamW,
      adagrad: Adagrad,
      adadelta: Adadelta,
      adamax: Adamax,
      nadam: Nadam,
      lion: Lion,
    };
    for (const [id, cls] of Object.entries(classes)) assert.ok(getOptimizer(id) instanceof cls, id);
    assert.ok(getOptimizer("RMSprop") instanceof RMSprop);
    assert.ok(getOptimizer("Adam") instanceof Adam);
    const opt = new Nadam();
    assert.equal(getOptimizer(opt), opt);
    assert.equal(
      getOptimizer({ class_name: "SGD", config: { learning_rate: 0.2 } }).currentLearningRate,
      Math.fround(0.2),
    );
    assert.throws(
      () => getOptimizer("adamm"),
      (e: Error) => e instanceof st.ValueError && /"adamm"/.test(e.message),
    );
    assert.throws(() => getOptimizer(3), /Could not interpret optimizer identifier: 3/);
    assert.throws(
      () => deserialize({ class_name: "Ftrll", config: {} }),
      /unknown optimizer "Ftrll"/,
    );
  });
});

describe("optimizer option errors name the option and the value", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "negative learning rate",
      () => new SGD({ learningRate: -1 }),
      /SGD: learningRate must be .*received learningRate=-1/,
    ],
    ["NaN learning rate", () => new Adam({ learningRate: NaN }), /received learningRate=NaN/],
    [
      "rho > 1",
      () => new RMSprop({ rho: 1.5 }),
      /RMSprop: rho must be a number in \[0, 1\]; received rho=1.5/,
    ],
    ["Adadelta rho < 0", () => new Adadelta({ rho: -0.1 }), /rho=-0.1/],
    [
      "SGD momentum > 1",
      () => new SGD({ momentum: 2 }),
      /momentum must be a number in \[0, 1\]; received momentum=2/,
    ],
    [
      "beta1 = 1",
      () => new Adam({ beta1: 1 }),
      /Adam: beta1 must be a number in \[0, 1\); received beta1=1/,
    ],
    ["AdamW beta2", () => new AdamW({ beta2: -1 }), /AdamW: beta2 .*beta2=-1/],
    [
      "Lion beta1 = 0",
      () => new Lion({ beta1: 0 }),
      /Lion: beta1 must be a number in \(0, 1\]; received beta1=0/,
    ],
    ["negative epsilon", () => new Nadam({ epsilon: -1e-7 }), /epsilon=-1e-7/],
    [
      "negative accumulator",
      () => new Adagrad({ initialAccumulatorValue: -1 }),
      /initialAccumulatorValue=-1/,
    ],
    ["negative weight decay", () => new SGD({ weightDecay: -0.1 }), /weightDecay=-0.1/],
    ["negative clipnorm", () => new SGD({ clipnorm: -1 }), /clipnorm=-1/],
    [
      "two clip options",
      () => new SGD({ clipnorm: 1, clipvalue: 1 }),
      /only one of clipnorm, clipvalue and globalClipnorm/,
    ],
    [
      "accumulation steps 1",
      () => new Adam({ gradientAccumulationSteps: 1 }),
      /gradientAccumulationSteps must be an integer >= 2.*=1/,
    ],
    ["ema momentum", () => new Adam({ useEma: true, emaMomentum: 1.5 }), /emaMomentum=1.5/],
    ["ema frequency", () => new Adam({ emaOverwriteFrequency: 0.5 }), /emaOverwriteFrequency=0.5/],
    ["loss scale 0", () => new Adam({ lossScaleFactor: 0 }), /lossScaleFactor/],
    [
      "nesterov not boolean",
      () => new SGD({ nesterov: "yes" as unknown as boolean }),
      /nesterov must be a boolean; received nesterov=yes/,
    ],
    [
      "AdamW without decay",
      () => new AdamW({ weightDecay: null }),
      /AdamW: weightDecay must be a number; received weightDecay=null/,
    ],
    [
      "unknown option",
      () => new SGD({ lr: 0.1 } as object),
      /SGD: argument\(s\) not recognized: lr/,
    ],
    ["unknown config key", () => Adam.fromConfig({ beta_3: 0.5 }), /not recognized: beta3/],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      assert.throws(make, (e: Error) => {
        assert.ok(e instanceof st.ValueError, `${what}: ${e.constructor.name}`);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
