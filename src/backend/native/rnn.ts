import type { FusedKernels, HostArrays } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { tsKernels as ts } from "../ts/index.js";
import { checkRnn } from "./checks.js";

/*
 * The native fused recurrent kernels (native/src/lstm.cc, gru.cc): every array and size is
 * checked here before the addon runs; arrays of mixed float kinds go to the TypeScript kernels.
 */

type RnnCall = (...args: [...(TypedArray | null)[], number, number, number]) => void;

/** The addon's fused recurrent functions: the kernels' arrays, then batch, steps, units. */
export interface RnnAddon {
  lstmForward: RnnCall;
  lstmBackward: RnnCall;
  gruForward: RnnCall;
  gruBackward: RnnCall;
}

/** The arrays (the mask aside) are all float32 or all float64. */
function oneFloatKind(args: readonly (TypedArray | null)[]): boolean {
  const floats = args.filter((a): a is TypedArray => a !== null && !(a instanceof Uint8Array));
  const kind = floats[0]?.constructor;
  return (
    (kind === Float32Array || kind === Float64Array) && floats.every((a) => a.constructor === kind)
  );
}

type RnnKernels = Pick<
  FusedKernels<HostArrays>,
  "lstmForward" | "lstmBackward" | "gruForward" | "gruBackward"
>;

export function rnnKernels(addon: RnnAddon): RnnKernels {
  return {
    lstmForward(xProj, u, bias, h0, c0, mask, hLast, cLast, hSeq, cSeq, gates, p) {
      const args = [xProj, u, bias, h0, c0, mask, hLast, cLast, hSeq, cSeq, gates] as const;
      if (!oneFloatKind(args)) return ts.lstmForward(...args, p);
      const { batch, steps, units } = checkRnn("lstmForward", p, 4, {
        xProj: [xProj, "gates"],
        u: [u, "kernel"],
        bias: [bias, "bias"],
        h0: [h0, "state"],
        c0: [c0, "state"],
        mask: [mask, "mask"],
        hLast: [hLast, "state"],
        cLast: [cLast, "state"],
        hSeq: [hSeq, "sequence"],
        cSeq: [cSeq, "sequence"],
        gates: [gates, "gates"],
      });
      addon.lstmForward(...args, batch, steps, units);
    },
    lstmBackward(
      u,
      h0,
      c0,
      mask,
      hSeq,
      cSeq,
      gates,
      dhSeq,
      dhLast,
      dcLast,
      dx,
      du,
      db,
      dh0,
      dc0,
      p,
    ) {
      const args = [
        u,
        h0,
        c0,
        mask,
        hSeq,
        cSeq,
        gates,
        dhSeq,
        dhLast,
        dcLast,
        dx,
        du,
        db,
        dh0,
        dc0,
      ] as const;
      if (!oneFloatKind(args)) return ts.lstmBackward(...args, p);
      const { batch, steps, units } = checkRnn("lstmBackward", p, 4, {
        u: [u, "kernel"],
        h0: [h0, "state"],
        c0: [c0, "state"],
        mask: [mask, "mask"],
        hSeq: [hSeq, "sequence"],
        cSeq: [cSeq, "sequence"],
        gates: [gates, "gates"],
        dhSeq: [dhSeq, "sequence"],
        dhLast: [dhLast, "state"],
        dcLast: [dcLast, "state"],
        dxProj: [dx, "gates"],
        du: [du, "kernel"],
        dBias: [db, "bias"],
        dh0: [dh0, "state"],
        dc0: [dc0, "state"],
      });
      addon.lstmBackward(...args, batch, steps, units);
    },
    gruForward(xProj, u, bias, recurrentBias, h0, mask, hLast, hSeq, gates, p) {
      const args = [xProj, u, bias, recurrentBias, h0, mask, hLast, hSeq, gates] as const;
      if (!oneFloatKind(args)) return ts.gruForward(...args, p);
      const { batch, steps, units } = checkRnn("gruForward", p, 3, {
        xProj: [xProj, "gates"],
        u: [u, "kernel"],
        bias: [bias, "bias"],
        recurrentBias: [recurrentBias, "bias"],
        h0: [h0, "state"],
        mask: [mask, "mask"],
        hLast: [hLast, "state"],
        hSeq: [hSeq, "sequence"],
        gates: [gates, "gates"],
      });
      addon.gruForward(...args, batch, steps, units);
    },
    gruBackward(xProj, u, bias, h0, mask, hSeq, gates, dhSeq, dhLast, dx, du, db, drb, dh0, p) {
      const args = [
        xProj,
        u,
        bias,
        h0,
        mask,
        hSeq,
        gates,
        dhSeq,
        dhLast,
        dx,
        du,
        db,
        drb,
        dh0,
      ] as const;
      if (!oneFloatKind(args)) return ts.gruBackward(...args, p);
      const { batch, steps, units } = checkRnn("gruBackward", p, 3, {
        xProj: [xProj, "gates"],
        u: [u, "kernel"],
        bias: [bias, "bias"],
        h0: [h0, "state"],
        mask: [mask, "mask"],
        hSeq: [hSeq, "sequence"],
        gates: [gates, "gates"],
        dhSeq: [dhSeq, "sequence"],
        dhLast: [dhLast, "state"],
        dxProj: [dx, "gates"],
        du: [du, "kernel"],
        dBias: [db, "bias"],
        dRecurrentBias: [drb, "bias"],
        dh0: [dh0, "state"],
      });
      addon.gruBackward(...args, batch, steps, units);
    },
  };
}
