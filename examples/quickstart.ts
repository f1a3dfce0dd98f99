// The engine in a few lines: fit y = 3x₁ − 2x₂ + 0.5 + noise with a tiny two-layer network,
// written only with ops, Variables and valueAndGrad (no model API needed).
import * as st from "../src/index.js";
import { ops } from "../src/index.js";

st.random.setSeed(0);
const n = 256;
const x = st.random.uniform([n, 2], { minval: -1, maxval: 1 });
const noise = st.random.normal([n, 1], { stddev: 0.05 });
const y = ops.add(ops.matmul(x, st.tensor([[3], [-2]])), ops.add(noise, 0.5));

const w1 = new st.Variable(st.random.normal([2, 16], { stddev: 0.5 }), { name: "w1" });
const b1 = new st.Variable(st.zeros([16]), { name: "b1" });
const w2 = new st.Variable(st.random.normal([16, 1], { stddev: 0.25 }), { name: "w2" });
const b2 = new st.Variable(st.zeros([1]), { name: "b2" });
const params = [w1, b1, w2, b2];

const predict = (input: st.Tensor) =>
  ops.add(ops.matmul(ops.tanh(ops.add(ops.matmul(input, w1), b1)), w2), b2);
const mse = () => ops.mean(ops.square(ops.subtract(predict(x), y)));

const learningRate = 0.1;
for (let step = 0; step <= 300; step++) {
  const { value, grads } = st.valueAndGrad(mse, params);
  params.forEach((p, i) => p.assign(ops.subtract(p, ops.multiply(grads[i]!, learningRate))));
  if (step % 100 === 0) console.log(`step ${step}: mse ${(value.item() as number).toFixed(5)}`);
}
console.log(`backend: ${st.getBackend()}`);
console.log("prediction at (1, 1):", predict(st.tensor([[1, 1]])).toString(), "(exact: 1.5)");
