#!/usr/bin/env bash
# The install test: pack strata-ml and its prebuilt addon package (@strata-ml/linux-x64-gnu, not on
# npm yet, so its tarball is installed explicitly beside), install both into an empty project with
# no compiler on PATH (only node, npm and sh), then import strata-ml and train a step on the native
# backend, run `npx strata --help` and `strata doctor`; then remove the prebuilt package and check
# that Strata falls back to TypeScript, saying so once with the fix. Run by .ci/run after npm test.
#   STRATA_PACK_SKIP_BUILD=1  use dist/ as it is (already built by npm ci / npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/strata-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { echo "pack-test [$((SECONDS - started)) s]: $*"; }
fail() {
  echo "pack-test: FAILED: $*" >&2
  exit 1
}

# 1. The prebuilt addon (built when missing) and the compiled library.
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  say "the prebuilt package is built for linux-x64 only; skipped on $(uname -s)-$(uname -m)"
  exit 0
fi
if [[ ! -f packages/linux-x64-gnu/strata_native.node || ! -f packages/linux-x64-gnu/THIRD-PARTY-NOTICES.txt ]]; then
  node scripts/build-prebuilt.mjs
fi
[[ -n "${STRATA_PACK_SKIP_BUILD:-}" && -f dist/index.js ]] || npm run build --silent

# 2. Both tarballs (scripts skipped: dist/ is built above).
npm pack --ignore-scripts --silent --pack-destination "$work" >/dev/null
(cd packages/linux-x64-gnu && npm pack --silent --pack-destination "$work" >/dev/null)
main_tgz=$(ls "$work"/strata-ml-[0-9]*.tgz)
addon_tgz=$(ls "$work"/strata-ml-linux-x64-gnu-*.tgz)
say "packed $(basename "$main_tgz") ($(du -k "$main_tgz" | cut -f1) KiB) and $(basename "$addon_tgz") ($(du -k "$addon_tgz" | cut -f1) KiB)"
listing=$(tar tzf "$main_tgz")
for f in package/package.json package/LICENSE package/README.md package/CHANGELOG.md \
  package/dist/index.js package/dist/index.d.ts package/dist/tools/cli/bin.js \
  package/native/binding.gyp package/native/src/binding.cc package/native/src/kernel-table.gen.h \
  package/scripts/build-native.mjs; do
  grep -qx "$f" <<<"$listing" || fail "the tarball lacks $f"
done
if grep -E '^package/(src|test|bench|examples|packages|native/build)/|\.map$' <<<"$listing" | head -3 | grep -q .; then
  fail "the tarball holds files that should not ship: $(grep -E '^package/(src|test|bench|examples|packages|native/build)/|\.map$' <<<"$listing" | head -3 | tr '\n' ' ')"
fi
for proto in $(cd src && find . -name '*.proto'); do
  grep -qx "package/dist/${proto#./}" <<<"$listing" || fail "the tarball lacks dist/${proto#./}"
done

# 3. A PATH without a compiler: node, npm, npx and sh only.
bin="$work/bin"
mkdir -p "$bin"
node_exe=$(command -v node)
ln -s "$node_exe" "$bin/node"
ln -s "$(command -v npm)" "$bin/npm"
ln -s "$(command -v npx)" "$bin/npx"
ln -s "$(command -v sh)" "$bin/sh"
for tool in g++ gcc cc c++ make python3; do
  if PATH="$bin" command -v "$tool" >/dev/null 2>&1; then fail "$tool is on the test's PATH"; fi
done

# 4. Install both tarballs into an empty project.
app="$work/app"
mkdir -p "$app"
cd "$app"
echo '{ "name": "strata-pack-test", "private": true, "type": "module" }' >package.json
PATH="$bin" npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$main_tgz" "$addon_tgz" >"$work/install.log" 2>&1 || {
  cat "$work/install.log"
  fail "npm install"
}
[[ -f node_modules/@strata-ml/linux-x64-gnu/strata_native.node ]] ||
  fail "the prebuilt package was not installed"
[[ ! -e node_modules/strata-ml/native/build ]] || fail "the addon was compiled at install"
say "installed ($(du -sk node_modules | cut -f1) KiB of node_modules)"

# 5. Import it and train one step, on the native backend.
cat >train.mjs <<'EOF'
import * as st from "strata-ml";
st.random.setSeed(0);
const model = new st.Sequential([
  st.Input({ shape: [4] }),
  new st.layers.Dense(8, { activation: "relu" }),
  new st.layers.Dense(1),
]);
model.compile({ optimizer: "sgd", loss: "mse" });
const x = st.random.normal([32, 4]);
const y = st.random.normal([32, 1]);
const history = await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
const loss = history.history.loss[0];
if (!Number.isFinite(loss)) throw new Error(`loss is ${loss}`);
console.log(`backend ${st.getBackend()} loss ${loss.toFixed(4)}`);
EOF
out=$(PATH="$bin" node train.mjs 2>"$work/train.err") || {
  cat "$work/train.err"
  fail "training a step"
}
[[ "$out" == "backend native loss "* ]] || fail "expected the native backend, got: $out $(cat "$work/train.err")"
[[ ! -s "$work/train.err" ]] || fail "unexpected stderr: $(cat "$work/train.err")"
say "trained a step: $out"

# 6. The command line.
PATH="$bin" npx --no-install strata --help >"$work/help.txt" || fail "npx strata --help"
grep -q "Usage: strata" "$work/help.txt" && grep -q "doctor" "$work/help.txt" ||
  fail "strata --help: $(cat "$work/help.txt")"
PATH="$bin" npx --no-install strata doctor >"$work/doctor.txt" || fail "strata doctor"
cat "$work/doctor.txt"
grep -q "^backend     native" "$work/doctor.txt" || fail "doctor: not on the native backend"
grep -q "^addon       prebuilt package @strata-ml/linux-x64-gnu" "$work/doctor.txt" ||
  fail "doctor: the addon did not come from the prebuilt package"
grep -q "linked statically into the addon" "$work/doctor.txt" || fail "doctor: BLAS not static"

# 7. Without the prebuilt package and without a compiler: TypeScript, said once, with the fix.
PATH="$bin" npm uninstall --no-audit --no-fund --loglevel=error @strata-ml/linux-x64-gnu >/dev/null
out=$(PATH="$bin" node train.mjs 2>"$work/train.err") || fail "training without the addon"
[[ "$out" == "backend ts loss "* ]] || fail "expected the ts backend, got: $out"
warnings=$(grep -c "^strata: native backend unavailable" "$work/train.err" || true)
[[ "$warnings" == 1 ]] || fail "expected one fallback warning, got $warnings: $(cat "$work/train.err")"
grep -q "npm install @strata-ml/linux-x64-gnu" "$work/train.err" || fail "the warning lacks the fix"
say "without the addon: $out; warned once: $(cat "$work/train.err")"
say "passed in $((SECONDS - started)) s"
