import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { KERNELS, type KernelName } from "../../src/backend/kernel-table.js";
import { kernelSource } from "../../src/backend/native/binding.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("the kernel table", () => {
  it("gives every kernel a native wrapper that compiles, with every parameter", () => {
    for (const name of Object.keys(KERNELS) as KernelName[]) {
      const { source, uses } = kernelSource(name);
      const wrapper = new Function(...Object.keys(uses), source)(...Object.values(uses));
      assert.equal(typeof wrapper, "function", name);
      assert.equal(wrapper.length, KERNELS[name].args.length, name);
      // Every `$` name the wrapper uses is one it closes over.
      for (const used of source.match(/\$[A-Za-z_]\w*/g) ?? []) {
        const local = new RegExp(`(const|let) \\${used}\\b`).test(source);
        assert.ok(local || used in uses, `${name} uses ${used}`);
      }
    }
  });

  it("matches the committed C++ headers (native/src/*.gen.h)", () => {
    // Exits 1, naming the stale files, when the table changed and the headers were not rebuilt.
    execFileSync(process.execPath, [join(root, "scripts", "gen-kernel-table.mjs"), "--check"], {
      cwd: root,
      stdio: "pipe",
    });
  });
});
