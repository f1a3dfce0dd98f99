/**
 * End to end: the dashboard in headless Chromium over a log directory that training is writing.
 * The page must list the run, draw its curves, and show an epoch logged after it opened.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { board } from "../../../src/tools/board/server.js";
import { EventFileWriter } from "../../../src/tools/tensorboard/event-writer.js";

const CHROMIUM = "/usr/bin/chromium";

/** Polls `check` until it holds, failing after `ms` with what was awaited. */
async function waitUntil(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`the page did not show ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One epoch's scalars as the TensorBoard callback writes them, one file per split. */
function logEpoch(
  writers: Record<string, EventFileWriter>,
  epoch: number,
  loss: number,
  valLoss: number,
) {
  const wallTime = Date.now() / 1000;
  writers.train!.addScalar("epoch_loss", loss, epoch, wallTime);
  writers.train!.addScalar("epoch_learning_rate", 0.01, epoch, wallTime);
  writers.validation!.addScalar("epoch_loss", valLoss, epoch, wallTime);
  for (const writer of Object.values(writers)) writer.flush();
}

test(
  "the page shows the run, its curves, and an epoch logged after it opened",
  {
    skip: existsSync(CHROMIUM)
      ? false
      : `${CHROMIUM} is missing (Debian: apt-get install chromium)`,
    timeout: 30_000,
  },
  async () => {
    const logDir = mkdtempSync(join(tmpdir(), "strata-board-page-"));
    const runDir = join(logDir, "mlp");
    const server = await board(logDir, { port: 0 });
    let writers: Record<string, EventFileWriter> = {};
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url);
      writers = {
        train: EventFileWriter.create(join(runDir, "train")),
        validation: EventFileWriter.create(join(runDir, "validation")),
      };
      logEpoch(writers, 0, 1.0, 1.1);
      logEpoch(writers, 1, 0.6, 0.8);

      const epochsShown = (metric: string) =>
        page.locator(`.chart[data-metric="${metric}"]`).getAttribute("data-epochs");
      await page.locator('#runs li[data-run="mlp"]').waitFor({ timeout: 5000 });
      await waitUntil(async () => (await epochsShown("loss")) === "2", "2 epochs of loss");
      assert.equal(await page.locator("#run-name").textContent(), "mlp");
      assert.equal(await page.locator('.chart[data-metric="loss"] canvas').count(), 1);
      assert.equal(await epochsShown("learning_rate"), "2");

      const sent = Date.now();
      logEpoch(writers, 2, 0.4, 0.7);
      await waitUntil(async () => (await epochsShown("loss")) === "3", "3 epochs of loss");
      const latency = Date.now() - sent;
      assert.ok(latency < 1500, `the new epoch took ${latency} ms to appear`);
      assert.match(
        (await page.locator('.chart[data-metric="loss"] .latest').textContent()) ?? "",
        /epoch 3/,
      );
      assert.match((await page.locator("#runs li.selected").textContent()) ?? "", /epoch 3/);
      assert.deepEqual(errors, []);

      const shotDir = process.env.STRATA_BOARD_SCREENSHOT_DIR ?? logDir;
      mkdirSync(shotDir, { recursive: true });
      const shot = join(shotDir, "board.png");
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000);
    } finally {
      for (const writer of Object.values(writers)) writer.close();
      await browser.close();
      await server.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  },
);
