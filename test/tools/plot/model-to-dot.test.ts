/**
 * Golden tests of modelToDot: the exact DOT text for a Sequential model, the book's residual
 * block, a shared layer, a nested model (collapsed and expanded), a multi-input / multi-output
 * model, and Keras's own nested-model edge cases (keras/integration_tests/model_visualization_test.py).
 * Labels follow Keras's make_layer_label markup, typed out here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as st from "../../../src/index.js";
import { modelToDot } from "../../../src/tools/plot/index.js";

const { layers } = st;

const HEAD = (rankdir = "TB", dpi = 200, splines = "ortho") =>
  `digraph G {\n  rankdir=${rankdir};\n  concentrate=true;\n  dpi=${dpi};\n  splines=${splines};\n  node [shape=record];\n`;
const TABLE = '<table border="0" cellborder="1" bgcolor="black" cellpadding="10">';
const NODE_ATTRS = "fontname=Helvetica, border=0, margin=0";

/** A node line with Keras's default label: the name in bold and the class. */
function box(id: string, cls: string, indent = "  "): string {
  return (
    `${indent}${id} [label=<${TABLE}<tr><td colspan="1" bgcolor="black"><font point-size="16" ` +
    `color="white"><b>${id}</b> (${cls})</font></td></tr></table>>, ${NODE_ATTRS}];\n`
  );
}

/** A node line with shapes shown (showShapes: true); an InputLayer has no input shape cell. */
function shapesBox(id: string, cls: string, input: string | null, output: string): string {
  const cell = (caption: string, v: string) =>
    `<td bgcolor="white"><font point-size="14">${caption}: <b>${v}</b></font></td>`;
  return (
    `  ${id} [label=<${TABLE}<tr><td colspan="2" bgcolor="black"><font point-size="16" ` +
    `color="white"><b>${id}</b> (${cls})</font></td></tr>` +
    `<tr>${input === null ? "" : cell("Input shape", input)}${cell("Output shape", output)}</tr>` +
    `</table>>, ${NODE_ATTRS}];\n`
  );
}

const edge = (from: string, to: string, indent = "  ") =>
  `${indent}${from} -> ${to} [penwidth=2];\n`;

/** The edges of a DOT text as "from -> to" pairs, clusters included. */
function edgesOf(dot: string): string[] {
  return [...dot.matchAll(/^\s*(\S+) -> (\S+) \[/gm)].map((m) => `${m[1]} -> ${m[2]}`);
}

test("a Sequential model: its layers in a chain, no InputLayer box, shapes as Keras prints them", () => {
  const model = new st.Sequential(
    [
      st.Input({ shape: [784], name: "input_layer" }),
      new layers.Dense(512, { activation: "relu", name: "dense" }),
      new layers.Dropout(0.5, { name: "dropout" }),
      new layers.Dense(10, { activation: "softmax", name: "dense_1" }),
    ],
    { name: "mnist" },
  );
  assert.equal(
    modelToDot(model, { showShapes: true }),
    `digraph G {
  rankdir=TB;
  concentrate=true;
  dpi=200;
  splines=ortho;
  node [shape=record];
  dense [label=<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="2" bgcolor="black"><font point-size="16" color="white"><b>dense</b> (Dense)</font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: <b>(None, 784)</b></font></td><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 512)</b></font></td></tr></table>>, fontname=Helvetica, border=0, margin=0];
  dropout [label=<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="2" bgcolor="black"><font point-size="16" color="white"><b>dropout</b> (Dropout)</font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: <b>(None, 512)</b></font></td><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 512)</b></font></td></tr></table>>, fontname=Helvetica, border=0, margin=0];
  dense_1 [label=<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td colspan="2" bgcolor="black"><font point-size="16" color="white"><b>dense_1</b> (Dense)</font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: <b>(None, 512)</b></font></td><td bgcolor="white"><font point-size="14">Output shape: <b>(None, 10)</b></font></td></tr></table>>, fontname=Helvetica, border=0, margin=0];
  dense -> dropout [penwidth=2];
  dropout -> dense_1 [penwidth=2];
}
`,
  );
});

test("activations, dtypes and trainable marks; class names alone; rankdir, dpi and splines", () => {
  const model = new st.Sequential([
    st.Input({ shape: [3], name: "x" }),
    new layers.Dense(2, { activation: "relu", name: "frozen", trainable: false }),
    new layers.Dropout(0.5, { name: "drop" }),
  ]);
  const dot = modelToDot(model, {
    showDtype: true,
    showLayerActivations: true,
    showTrainable: true,
    showLayerNames: false,
    rankdir: "LR",
    dpi: 96,
    splines: "spline",
  });
  assert.equal(
    dot,
    HEAD("LR", 96, "spline") +
      `  frozen [label=<${TABLE}<tr><td colspan="2" bgcolor="black"><font point-size="16" color="white"><b>Dense</b></font></td></tr>` +
      `<tr><td bgcolor="white" colspan="2"><font point-size="14">Activation: <b>relu</b></font></td></tr>` +
      `<tr><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td>` +
      `<td bgcolor="firebrick"><font point-size="14" color="white"><b>Non-trainable</b></font></td></tr></table>>, ${NODE_ATTRS}];\n` +
      // Dropout has no activation and no weights: neither row nor trainable cell.
      `  drop [label=<${TABLE}<tr><td colspan="2" bgcolor="black"><font point-size="16" color="white"><b>Dropout</b></font></td></tr>` +
      `<tr><td bgcolor="white"><font point-size="14">Output dtype: <b>float32</b></font></td></tr></table>>, ${NODE_ATTRS}];\n` +
      edge("frozen", "drop") +
      "}\n",
  );
});

test("the book's residual block: a branch and a merge", () => {
  const inputs = st.Input({ shape: [32, 32, 3], name: "input_layer" });
  let x = new layers.Conv2D(32, 3, { activation: "relu", name: "conv2d" }).apply(inputs);
  let residual = x;
  x = new layers.Conv2D(64, 3, { activation: "relu", padding: "same", name: "conv2d_1" }).apply(x);
  residual = new layers.Conv2D(64, 1, { name: "conv2d_2" }).apply(residual);
  x = new layers.Add({ name: "add" }).apply([x, residual]);
  const model = new st.Model(inputs, x);
  assert.equal(
    modelToDot(model),
    HEAD() +
      box("input_layer", "InputLayer") +
      box("conv2d", "Conv2D") +
      box("conv2d_1", "Conv2D") +
      box("conv2d_2", "Conv2D") +
      box("add", "Add") +
      edge("input_layer", "conv2d") +
      edge("conv2d", "conv2d_1") +
      edge("conv2d", "conv2d_2") +
      edge("conv2d_1", "add") +
      edge("conv2d_2", "add") +
      "}\n",
  );
});

test("a shared layer is one box, with an edge from each input it was called on", () => {
  const left = st.Input({ shape: [8], name: "left" });
  const right = st.Input({ shape: [8], name: "right" });
  const shared = new layers.Dense(4, { name: "shared" });
  const merged = new layers.Concatenate({ name: "merge" }).apply([
    shared.apply(left),
    shared.apply(right),
  ]);
  const model = new st.Model([left, right], merged);
  assert.equal(
    modelToDot(model),
    HEAD() +
      box("left", "InputLayer") +
      box("right", "InputLayer") +
      box("shared", "Dense") +
      box("merge", "Concatenate") +
      edge("left", "shared") +
      edge("right", "shared") +
      // Both of merge's inputs come from the shared box: one edge, as Keras's add_edge.
      edge("shared", "merge") +
      "}\n",
  );
});

/** An inner functional model and a Sequential block inside an outer functional model. */
function nestedModel(): st.Model {
  const innerInput = st.Input({ shape: [3], name: "inner_input" });
  let y = new layers.Dense(4, { activation: "relu", name: "inner_dense" }).apply(innerInput);
  y = new layers.Dense(3, { name: "inner_out" }).apply(y);
  const inner = new st.Model(innerInput, y, { name: "inner_model" });
  const block = new st.Sequential(
    [new layers.Dense(5, { name: "seq_dense" }), new layers.Dropout(0.5, { name: "seq_drop" })],
    { name: "seq_block" },
  );
  const outerInput = st.Input({ shape: [3], name: "outer_input" });
  const a = new layers.Dense(3, { name: "dense_a" }).apply(outerInput);
  let x = new layers.Add({ name: "add" }).apply([inner.apply(a), a]);
  x = block.apply(x);
  x = new layers.Dense(1, { name: "out" }).apply(x);
  return new st.Model(outerInput, x, { name: "outer" });
}

test("a nested model is one box (Functional, Sequential) unless expandNested", () => {
  assert.equal(
    modelToDot(nestedModel()),
    HEAD() +
      box("outer_input", "InputLayer") +
      box("dense_a", "Dense") +
      box("inner_model", "Functional") +
      box("add", "Add") +
      box("seq_block", "Sequential") +
      box("out", "Dense") +
      edge("outer_input", "dense_a") +
      edge("dense_a", "inner_model") +
      edge("inner_model", "add") +
      edge("dense_a", "add") +
      edge("add", "seq_block") +
      edge("seq_block", "out") +
      "}\n",
  );
});

test("expandNested draws nested models as dashed clusters, edges reaching into them", () => {
  const cluster = (name: string) =>
    `  subgraph cluster_${name} {\n    style=dashed;\n    label=${name};\n    labeljust=l;\n    fontname=Helvetica;\n`;
  assert.equal(
    modelToDot(nestedModel(), { expandNested: true }),
    HEAD() +
      box("outer_input", "InputLayer") +
      box("dense_a", "Dense") +
      cluster("inner_model") +
      box("inner_input", "InputLayer", "    ") +
      box("inner_dense", "Dense", "    ") +
      box("inner_out", "Dense", "    ") +
      edge("inner_input", "inner_dense", "    ") +
      edge("inner_dense", "inner_out", "    ") +
      "  }\n" +
      box("add", "Add") +
      cluster("seq_block") +
      // A Sequential's InputLayer is not drawn: its first layer takes the edge.
      box("seq_dense", "Dense", "    ") +
      box("seq_drop", "Dropout", "    ") +
      edge("seq_dense", "seq_drop", "    ") +
      "  }\n" +
      box("out", "Dense") +
      edge("outer_input", "dense_a") +
      edge("dense_a", "inner_input") +
      edge("inner_out", "add") +
      edge("dense_a", "add") +
      edge("add", "seq_dense") +
      edge("seq_drop", "out") +
      "}\n",
  );
});

test("the book's multi-input, multi-output model: list shapes for the merge", () => {
  const title = st.Input({ shape: [10000], name: "title" });
  const textBody = st.Input({ shape: [10000], name: "text_body" });
  const tags = st.Input({ shape: [100], name: "tags" });
  let features = new layers.Concatenate({ name: "concatenate" }).apply([title, textBody, tags]);
  features = new layers.Dense(64, { activation: "relu", name: "dense" }).apply(features);
  const priority = new layers.Dense(1, { activation: "sigmoid", name: "priority" }).apply(features);
  const department = new layers.Dense(4, { activation: "softmax", name: "department" }).apply(
    features,
  );
  const model = new st.Model({ inputs: [title, textBody, tags], outputs: [priority, department] });
  assert.equal(
    modelToDot(model, { showShapes: true }),
    HEAD() +
      shapesBox("title", "InputLayer", null, "(None, 10000)") +
      shapesBox("text_body", "InputLayer", null, "(None, 10000)") +
      shapesBox("tags", "InputLayer", null, "(None, 100)") +
      shapesBox(
        "concatenate",
        "Concatenate",
        "[(None, 10000), (None, 10000), (None, 100)]",
        "(None, 20100)",
      ) +
      shapesBox("dense", "Dense", "(None, 20100)", "(None, 64)") +
      shapesBox("priority", "Dense", "(None, 64)", "(None, 1)") +
      shapesBox("department", "Dense", "(None, 64)", "(None, 4)") +
      edge("title", "concatenate") +
      edge("text_body", "concatenate") +
      edge("tags", "concatenate") +
      edge("concatenate", "dense") +
      edge("dense", "priority") +
      edge("dense", "department") +
      "}\n",
  );
});

test("Keras's nested cases: functional in functional in functional, Sequential in Sequential", () => {
  // keras/integration_tests/model_visualization_test.py, the same models and expected edges.
  const innerInput = st.Input({ shape: [10], name: "inner_input" });
  const inner = new st.Model(
    innerInput,
    new layers.Dense(10, { name: "dense1" }).apply(innerInput),
    { name: "inner" },
  );
  const midInput = st.Input({ shape: [10], name: "mid_input" });
  const mid = new st.Model(midInput, inner.apply(midInput), { name: "mid" });
  const outerInput = st.Input({ shape: [10], name: "outer_input" });
  const model = new st.Model(
    outerInput,
    new layers.Dense(10, { name: "dense2" }).apply(mid.apply(outerInput)),
  );
  assert.deepEqual(edgesOf(modelToDot(model)), ["outer_input -> mid", "mid -> dense2"]);
  assert.deepEqual(
    new Set(edgesOf(modelToDot(model, { expandNested: true }))),
    new Set([
      "outer_input -> mid_input",
      "mid_input -> inner_input",
      "inner_input -> dense1",
      "dense1 -> dense2",
    ]),
  );

  const innerSeq = new st.Sequential(
    [new layers.Dense(10, { name: "dense_b" }), new layers.Dense(10, { name: "dense_c" })],
    { name: "inner_seq" },
  );
  const midSeq = new st.Sequential([innerSeq], { name: "mid_seq" });
  const seq = new st.Sequential([
    new layers.Dense(10, { name: "dense_a" }),
    midSeq,
    new layers.Dense(10, { name: "dense_d" }),
  ]);
  seq.build([1, 10]);
  assert.deepEqual(edgesOf(modelToDot(seq)), ["dense_a -> mid_seq", "mid_seq -> dense_d"]);
  assert.deepEqual(
    new Set(edgesOf(modelToDot(seq, { expandNested: true }))),
    new Set(["dense_a -> dense_b", "dense_b -> dense_c", "dense_c -> dense_d"]),
  );
});

test("a built subclassed model is one box; an unbuilt model is an error, as in Keras", () => {
  class TwoLayers extends st.Model {
    readonly hidden = new layers.Dense(4, { name: "hidden" });
    override call(x: st.Tensor): st.Tensor {
      return this.hidden.apply(x);
    }
  }
  const model = new TwoLayers({ name: "two_layers" });
  assert.throws(
    () => modelToDot(model),
    /"two_layers" \(TwoLayers\): this model has not yet been built/,
  );
  model.apply(st.zeros([2, 3]));
  assert.equal(
    modelToDot(model, { showShapes: true }),
    HEAD() +
      `  two_layers [label=<${TABLE}<tr><td colspan="2" bgcolor="black"><font point-size="16" color="white"><b>two_layers</b> (TwoLayers)</font></td></tr>` +
      `<tr><td bgcolor="white"><font point-size="14">Input shape: <b>?</b></font></td>` +
      `<td bgcolor="white"><font point-size="14">Output shape: <b>?</b></font></td></tr></table>>, ${NODE_ATTRS}];\n` +
      "}\n",
  );
  const unbuilt = new st.Sequential([new layers.Dense(2)]);
  assert.throws(() => modelToDot(unbuilt), /this model has not yet been built.*build\(\)/);
});

test("options are checked: unknown names, rankdir, splines, dpi", () => {
  const model = new st.Sequential([st.Input({ shape: [2] }), new layers.Dense(1)]);
  assert.throws(
    () => modelToDot(model, { showShape: true } as never),
    /modelToDot: unknown option showShape; did you mean showShapes\?/,
  );
  assert.throws(
    () => modelToDot(model, { rankdir: "XY" as never }),
    /rankdir must be one of TB, LR, BT, RL; received "XY"/,
  );
  assert.throws(() => modelToDot(model, { splines: "wavy" as never }), /splines must be one of/);
  assert.throws(() => modelToDot(model, { dpi: 0 }), /dpi must be a positive number; received 0/);
});

test("names that DOT or HTML would misread are quoted and escaped", () => {
  const input = st.Input({ shape: [2], name: "in put" });
  const hidden = new layers.Dense(1, { name: "node" }).apply(input);
  const out = new layers.Dense(1, { name: 'a<b>&"c"' }).apply(hidden);
  const dot = modelToDot(new st.Model(input, out));
  assert.match(dot, /^ {2}"in put" \[label=<.*<b>in put<\/b> \(InputLayer\)/m);
  assert.match(dot, /^ {2}"node" \[label=/m);
  assert.match(dot, /^ {2}"a<b>&_c_" \[label=<.*<b>a&lt;b&gt;&amp;&quot;c&quot;<\/b> \(Dense\)/m);
  assert.match(dot, /^ {2}"in put" -> "node" \[penwidth=2\];$/m);
  assert.match(dot, /^ {2}"node" -> "a<b>&_c_" \[penwidth=2\];$/m);
});
