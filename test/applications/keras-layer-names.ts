// Layer lists written out from Keras's naming scheme (keras/src/applications), shared by the
// applications' tests; they are not derived from the builders.

/** Xception's layers after the input, in Keras's summary order; "name*" is an automatic name. */
export function xceptionNames(): string[] {
  const out = ["conv1", "conv1_bn", "conv1_act", "conv2", "conv2_bn", "conv2_act"].map(
    (x) => `block1_${x}`,
  );
  // Entry and exit blocks: the shortcut's conv sits at the depth of the second separable conv's
  // BN, its BN at the pooling's, so each is met just after them.
  const down = (b: number, preRelu: boolean): void => {
    const p = `block${b}_`;
    out.push(
      ...[
        ...(preRelu ? ["sepconv1_act"] : []),
        "sepconv1",
        "sepconv1_bn",
        "sepconv2_act",
        "sepconv2",
        "sepconv2_bn",
      ].map((x) => p + x),
      "conv2d*",
      `${p}pool`,
      "batch_normalization*",
      "add*",
    );
  };
  down(2, false);
  down(3, true);
  down(4, true);
  for (let b = 5; b <= 12; b++) {
    for (let i = 1; i <= 3; i++) {
      out.push(...["act", "", "bn"].map((x) => `block${b}_sepconv${i}${x ? "_" + x : ""}`));
    }
    out.push("add*");
  }
  down(13, true);
  out.push(
    ...["sepconv1", "sepconv1_bn", "sepconv1_act", "sepconv2", "sepconv2_bn", "sepconv2_act"].map(
      (x) => `block14_${x}`,
    ),
  );
  return [...out, "avg_pool", "predictions"];
}
