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
import { openJsonTail, writeEvents } from "./fake-events.js";

const CHROMIUM = "/usr/bin/chromium";

/** Polls `check` until it holds, failing after `ms` with what was awaited. */
async function waitUntil(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`the page did not show ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function logEpoch(dir: string, epoch: number, loss: number, valLoss: number) {
  const wallTime = Date.now() / 1000;
  writeEvents(join(dir, "train"), [
    { kind: "scalar", tag: "epoch_loss", step: epoch, wallTime, value: loss },
    { kind: "scalar", tag: "epoch_learning_rate", step: epoch, wallTime, value: 0.01 },
  ]);
  writeEvents(join(dir, "validation"), [
    { kind: "scalar", tag: "epoch_loss", step: epoch, wallTime, value: valLoss },
  ]);
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
    const server = await board(logDir, { port: 0, openTail: openJsonTail });
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url);
      writeEvents(join(runDir, "train"), [{ kind: "start", wallTime: Date.now() / 1000 }]);
      logEpoch(runDir, 0, 1.0, 1.1);
      logEpoch(runDir, 1, 0.6, 0.8);

      const epochsShown = (metric: string) =>
        page.locator(`.chart[data-metric="${metric}"]`).getAttribute("data-epochs");
      await page.locator('#runs li[data-run="mlp"]').waitFor({ timeout: 5000 });
      await waitUntil(async () => (await epochsShown("loss")) === "2", "2 epochs of loss");
      assert.equal(await page.locator("#run-name").textContent(), "mlp");
      assert.equal(await page.locator('.chart[data-metric="loss"] canvas').count(), 1);
      assert.equal(await epochsShown("learning_rate"), "2");

      const sent = Date.now();
      logEpoch(runDir, 2, 0.4, 0.7);
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
      await browser.close();
      await server.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  },
);
