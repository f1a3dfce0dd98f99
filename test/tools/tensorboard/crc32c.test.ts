import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32c, maskCrc, maskedCrc32c } from "../../../src/tools/tensorboard/crc32c.js";
import { crc32cBitwise, maskBig } from "./independent-decoder.js";

const ascii = (s: string) => new TextEncoder().encode(s);

test("CRC-32C matches the published check values", () => {
  // The catalogue's check value (CRC of "123456789") and RFC 3720 (iSCSI) appendix B.4 vectors.
  assert.equal(crc32c(ascii("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

test("CRC-32C agrees with a bit-by-bit implementation on random data", () => {
  let seed = 12345;
  for (let n = 0; n < 300; n += 7) {
    const bytes = Uint8Array.from(
      { length: n },
      () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24,
    );
    assert.equal(crc32c(bytes), crc32cBitwise(bytes));
  }
});

test("the masked CRC rotates right by 15 and adds 0xa282ead8", () => {
  // By hand: 0xE3069283 rotated right by 15 is 0x2507C60D (the low 15 bits, 0x1283, move to the top).
  assert.equal(((0xe3069283 >>> 15) | ((0xe3069283 & 0x7fff) << 17)) >>> 0, 0x2507c60d);
  assert.equal(maskCrc(0xe3069283), (0x2507c60d + 0xa282ead8) % 2 ** 32);
  for (const crc of [0, 1, 0x7fff, 0x8000, 0xffffffff, 0x12345678]) {
    assert.equal(maskCrc(crc), maskBig(crc));
  }
  assert.equal(maskedCrc32c(ascii("123456789")), maskBig(0xe3069283));
});
