import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Page-level helpers of the e2e flow: form filling, waiting for charts, screenshots, collected errors. */
export class StudioPage {
  readonly errors: string[] = [];

  constructor(readonly page: Page, private readonly shotsDir: string) {
    mkdirSync(shotsDir, { recursive: true });
    for (const old of readdirSync(shotsDir)) if (old.endsWith('.png')) rmSync(join(shotsDir, old));
    page.on('pageerror', (err) => this.errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(`console: ${msg.text()}`);
    });
  }

  async screenshot(name: string): Promise<string> {
    const path = join(this.shotsDir, `${name}.png`);
    await this.page.waitForTimeout(150);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async go(hash: string): Promise<void> {
    const url = new URL(this.page.url());
    url.hash = hash;
    await this.page.goto(url.href);
  }

  /** Sets a New run field by key, whatever control the schema gave it; false when the form has no such field. */
  async setField(key: string, value: string | number | boolean | string[]): Promise<boolean> {
    const field = this.page.locator(`[data-field="${key}"]`);
    if ((await field.count()) === 0 || !(await field.isVisible())) return false;
    if (typeof value === 'boolean') {
      await field.locator('input[type=checkbox]').setChecked(value);
    } else if (Array.isArray(value)) {
      for (const box of await field.locator('input[type=checkbox]').all()) {
        await box.setChecked(value.includes(await box.inputValue()));
      }
    } else if ((await field.locator('select').count()) > 0) {
      await field.locator('select').selectOption(String(value));
    } else {
      await field.locator('input').fill(String(value));
    }
    return true;
  }

  async fieldMessage(key: string): Promise<string> {
    return (await this.page.locator(`[data-field="${key}"] .message`).textContent()) ?? '';
  }

  async points(testId: string): Promise<number> {
    return Number((await this.page.locator(`[data-testid="${testId}"]`).getAttribute('data-points')) ?? 0);
  }

  /** Waits until the chart has drawn more than `than` points; returns the count. */
  async waitForPoints(testId: string, than: number, timeoutMs: number): Promise<number> {
    await expect.poll(() => this.points(testId), { timeout: timeoutMs, interval: 100 }).toBeGreaterThan(than);
    return this.points(testId);
  }

  async status(): Promise<string> {
    return (await this.page.locator('.screen-header .badge').first().getAttribute('data-status')) ?? '';
  }

  async waitForStatus(wanted: string[], timeoutMs: number): Promise<string> {
    await expect.poll(() => this.status(), { timeout: timeoutMs, interval: 250 }).toSatisfy((s: string) => wanted.includes(s));
    return this.status();
  }

  /** Moves the mouse over a chart until ECharts shows a tooltip containing `text`. */
  async hoverUntilTooltip(testId: string, text: string): Promise<boolean> {
    const chart = this.page.locator(`[data-testid="${testId}"]`);
    const box = await chart.boundingBox();
    if (!box) return false;
    for (let y = 0.1; y < 0.95; y += 0.05) {
      for (let x = 0.08; x < 0.98; x += 0.03) {
        await this.page.mouse.move(box.x + box.width * x, box.y + box.height * y);
        const tip = chart.locator('div', { hasText: text }).last();
        if ((await tip.count()) > 0 && (await tip.isVisible())) return true;
      }
    }
    return false;
  }

  /** The run id in the URL (`#/runs/<id>`). */
  runIdFromUrl(): string {
    const m = /#\/runs\/([^/?]+)/.exec(this.page.url());
    if (!m) throw new Error(`not on a run page: ${this.page.url()}`);
    return decodeURIComponent(m[1]!);
  }
}
