import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { COVERAGE_PAGE, coverageMarkdown } from "../../scripts/keras-coverage/coverage.js";

test("docs/keras-coverage.md is what the coverage script writes for today's exports", async () => {
  const expected = await coverageMarkdown();
  assert.equal(
    readFileSync(COVERAGE_PAGE, "utf8"),
    expected,
    "docs/keras-coverage.md is out of date: run `node --import tsx scripts/keras-coverage/coverage.ts`",
  );
});

test("the coverage page counts names Strata has and lists ones it lacks", async () => {
  const page = await coverageMarkdown();
  // keras.layers.Dense exists (st.layers.Dense); keras.ops.log_softmax is st.ops.logSoftmax.
  assert.doesNotMatch(page, /missing[^\n]*\n\n[^\n]*\bDense\b/);
  const opsMissing = page.split("### `keras.ops`: missing")[1]?.split("###")[0] ?? "";
  assert.doesNotMatch(opsMissing, /\blog_softmax\b/);
  // Python-only wrappers are listed as not applicable, with the reason.
  assert.match(page, /`keras\.wrappers` \(3 names\): scikit-learn wrappers/);
});
