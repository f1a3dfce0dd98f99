/**
 * End to end: `strata board`'s page in headless Chromium over a log directory that a `fit` with
 * the TensorBoard callback is writing. The page must list the run, draw its curves, histograms
 * and model, and show an epoch logged after the page had drawn the earlier ones.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { chromium, type Page } from "playwright-core";
import * as st from "../../../src/index.js";
import { board } from "../../../src/tools/board/server.js";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";
import { TensorBoard } from "../../../src/tools/tensorboard/tensorboard-callback.js";

const CHROMIUM = "/usr/bin/chromium";
const EPOCHS = 8;

/** Polls `check` until it holds, failing after `ms` with what was awaited. */
async function waitUntil(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`the page did not show ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** How many epochs the page's chart of `metric` holds. */
const epochsShown = (page: Page, metric: string) =>
  page.locator(`.chart[data-metric="${metric}"]`).getAttribute("data-epochs");

/** Holds `fit` after epoch `at` until the page shows it, then notes when training went on. */
class WaitForPage extends st.callbacks.Callback {
  resumedAt = 0;
  constructor(
    private readonly page: Page,
    private readonly at: number,
  ) {
    super();
  }
  override async onEpochEnd(epoch: number): Promise<void> {
    if (epoch !== this.at) return;
    await waitUntil(
      async () => (await epochsShown(this.page, "loss")) === String(epoch + 1),
      `${epoch + 1} epochs of loss`,
    );
    this.resumedAt = Date.now();
  }
}

test(
  "the page shows a run that fit is writing, its curves, and each new epoch within a second",
  {
    skip: existsSync(CHROMIUM)
      ? false
      : `${CHROMIUM} is missing (Debian: apt-get install chromium)`,
    timeout: 30_000,
  },
  async (t) => {
    const logDir = mkdtempSync(join(tmpdir(), "strata-board-page-"));
    const server = await board(logDir, { port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url);
      assert.match((await page.locator("#no-runs").textContent()) ?? "", /No runs yet/);

      st.random.setSeed(3);
      const x = st.random.normal([96, 8]);
      const y = x.sum(-1, true).mul(0.5);
      const model = new st.Sequential([
        st.Input({ shape: [8] }),
        new st.layers.Dense(16, { activation: "relu", name: "hidden" }),
        new st.layers.Dense(1, { name: "out" }),
      ]);
      model.compile({ optimizer: new st.optimizers.Adam(0.01), loss: "mse", metrics: ["mae"] });
      const gate = new WaitForPage(page, EPOCHS - 2);
      await model.fit(x, y, {
        epochs: EPOCHS,
        batchSize: 16,
        validationSplit: 0.25,
        verbose: 0,
        callbacks: [new TensorBoard({ logDir: join(logDir, "mlp"), histogramFreq: 1 }), gate],
      });
      // The last epoch was written after the page had drawn the others.
      await waitUntil(
        async () => (await epochsShown(page, "loss")) === String(EPOCHS),
        `${EPOCHS} epochs of loss`,
      );
      const latency = Date.now() - gate.resumedAt;
      t.diagnostic(`the last epoch reached the page ${latency} ms after training went on`);
      assert.ok(latency < 1500, `the last epoch took ${latency} ms to appear`);

      assert.equal(await page.locator("#run-name").textContent(), "mlp");
      assert.match((await page.locator("#runs li.selected").textContent()) ?? "", /epoch 8/);
      for (const metric of ["loss", "mae", "learning_rate", "epoch_time"]) {
        assert.equal(await page.locator(`.chart[data-metric="${metric}"] canvas`).count(), 1);
      }
      assert.equal(await epochsShown(page, "mae"), String(EPOCHS));
      const latest = (await page.locator('.chart[data-metric="loss"] .latest').textContent()) ?? "";
      assert.match(latest, /epoch 8/);
      // Every weight's histogram, from the last epoch.
      await waitUntil(
        async () => /epoch 8/.test((await page.locator("#hist-step").textContent()) ?? ""),
        "the histograms of epoch 8",
      );
      assert.equal(await page.locator("#histograms .chart").count(), 4);
      await waitUntil(
        async () => (await page.locator("#graph svg").count()) === 1,
        "the model graph",
      );
      assert.match((await page.locator("#graph svg").textContent()) ?? "", /hidden/);
      assert.match((await page.locator("#diagnosis strong").textContent()) ?? "", /\w/);

      // A run that appears later is listed as it appears, and shows its own curves when chosen.
      const other = EventFileWriter.create(join(logDir, "baseline", "train"));
      [0.9, 0.8].forEach((loss, epoch) => other.addScalar("epoch_loss", loss, epoch));
      other.close();
      const baseline = page.locator('#runs li[data-run="baseline"]');
      await baseline.waitFor({ timeout: 5000 });
      await baseline.click();
      await waitUntil(async () => (await epochsShown(page, "loss")) === "2", "baseline's 2 epochs");
      assert.equal(await page.locator("#run-name").textContent(), "baseline");
      assert.equal(await page.locator('.chart[data-metric="mae"]').count(), 0);
      await page.locator('#runs li[data-run="mlp"]').click();
      await waitUntil(async () => (await epochsShown(page, "mae")) === String(EPOCHS), "mlp again");
      await waitUntil(async () => (await page.locator("#graph svg").count()) === 1, "mlp's graph");
      await waitUntil(
        async () => (await page.locator("#histograms .chart").count()) === 4,
        "mlp's histograms",
      );
      assert.deepEqual(errors, []);

      const shotDir = process.env.STRATA_BOARD_SCREENSHOT_DIR ?? logDir;
      mkdirSync(shotDir, { recursive: true });
      const shot = join(shotDir, "board.png");
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000);
    } finally {
      await browser.close();
      await server.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  },
);
