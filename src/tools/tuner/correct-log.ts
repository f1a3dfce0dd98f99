/**
 * The natural logarithm correctly rounded, as the C library's `log` that Python's `math.log` calls
 * (V8's Math.log can be one unit in the last place off: Math.log(3) is 1.0986122886681096, C's
 * 1.0986122886681098, so log(9)/log(3) is 2.0000000000000004 here and 2.0 in Python). Hyperband's
 * schedule takes the ceiling of such a ratio, so it must be computed as KerasTuner computes it.
 *
 *   x = m · 2^e with m in [1, 2);  ln x = e · ln 2 + ln m;  ln m = 2 · atanh(t) = 2 Σ t^(2k+1)/(2k+1),
 *   t = (m − 1)/(m + 1) ≤ 1/3, summed in 256-bit fixed point (BigInt), then rounded once to a double.
 */
import { ValueError } from "../../errors.js";

const BITS = 256n;
const ONE = 1n << BITS;

/** 2 · atanh(num / den) in fixed point, for 0 ≤ num/den ≤ 1/3. */
function twoAtanh(num: bigint, den: bigint): bigint {
  const t = (num * ONE) / den;
  const t2 = (t * t) >> BITS;
  let power = t;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * t2) >> BITS;
  }
  return 2n * sum;
}

const LN2 = twoAtanh(1n, 3n); // ln 2 = 2 atanh(1/3)

/** ln(x), correctly rounded, for a positive finite x. */
export function correctLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x))
    throw new ValueError(`correctLog: expected a positive finite number; received ${x}`);
  if (x === 1) return 0;
  // x's exact binary value as mantissa · 2^exp with an integer mantissa.
  let exp = Math.floor(Math.log2(x)) - 52;
  let mant = BigInt(Math.round(x / 2 ** exp));
  while (mant >= 1n << 53n) [mant, exp] = [mant >> 1n, exp + 1];
  // m = mant / 2^52 in [1, 2): e = exp + 52.
  const e = BigInt(exp + 52);
  const scale = 1n << 52n;
  const lnM = twoAtanh(mant - scale, mant + scale);
  const fixed = e * LN2 + lnM;
  // One rounding: BigInt to Number rounds to nearest; dividing by a power of two is exact.
  return Number(fixed) / 2 ** Number(BITS);
}
