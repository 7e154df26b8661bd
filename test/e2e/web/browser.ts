// Real headless Chromium for the web e2e tests: Debian's chromium driven by playwright-core (no
// browser download). Each launch gets a fresh profile directory (playwright passes its own
// temporary --user-data-dir to every launch), so no cookie or storage leaks between runs.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../process.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
/**
 * The README's screenshots are rewritten only on request (UPDATE_SCREENSHOTS=1), so an ordinary
 * test run leaves the working tree clean; otherwise they go to a temporary folder to look at.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'meterstack-screenshots');

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

/** Everything the page logged as an error, and every CSP violation, for assertions. */
export interface Watched {
  readonly errors: string[];
}

export async function newPage(browser: Browser, opts: { locale?: string; width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page; watched: Watched }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 }, locale: opts.locale ?? 'en-GB', timezoneId: 'Europe/Amsterdam',
    deviceScaleFactor: 1, ...(opts.width !== undefined && opts.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const watched: Watched = { errors: [] };
  page.on('console', (m) => { if (m.type() === 'error') watched.errors.push(m.text()); });
  page.on('pageerror', (e) => watched.errors.push(String(e)));
  return { context, page, watched };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

const axeSource = (): string => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page; returns the serious and critical violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol, which the page's CSP (no inline scripts) does not govern.
  await page.evaluate(axeSource());
  const result = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })`) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(v: readonly AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n${x.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
}
