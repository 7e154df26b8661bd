// What every web e2e file needs of a fresh `meterstack start`: its demo logins, a sign-in, and an
// axe check that fails on serious or critical violations.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { childEnv, killAll, SIM_READY, startServer, tempDir, type Server } from '../process.ts';
import { ensureBundle } from '../../../scripts/web-bundle.mjs';
import { axe, describeViolations, launch } from './browser.ts';

export interface Demo { username: string; password: string; role: string; premise?: string }

/** The demo users the first start prints (username, password, role and a customer's premise). */
export function demoUsers(stdout: string): Demo[] {
  const block = /created demo users[^\n]*\n((?: {2}\S+ +\S+ +\([^\n]*\)\n)+)/.exec(stdout);
  assert.ok(block, `the first start prints the demo users\n${stdout}`);
  return block[1]!.trim().split('\n').map((line) => {
    const m = /^(\S+) +(\S+) +\((\S+?)(?:, premise (\S+?):.*)?\)$/.exec(line.trim())!;
    return { username: m[1]!, password: m[2]!, role: m[3]!, ...(m[4] ? { premise: m[4] } : {}) };
  });
}

export async function login(page: Page, base: string, user: Demo, path = '/'): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function noSeriousA11yIssues(page: Page, where: string): Promise<void> {
  const v = await axe(page);
  assert.equal(v.length, 0, `${where}: axe found serious or critical WCAG 2.1 A/AA violations\n${describeViolations(v)}`);
}

export interface DemoPlatform {
  readonly server: Server;
  readonly browser: Browser;
  readonly users: Demo[];
  close(): Promise<void>;
}

/** A fresh `meterstack start` (simulated fleet, with `args`) beside a Chromium, once its history and then `ready` are logged. */
export async function startDemo(name: string, args: readonly string[], ready: RegExp): Promise<DemoPlatform> {
  const data = tempDir(name);
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await killAll();
    data.remove();
  };
  try {
    await ensureBundle({ log: () => undefined });
    const [server, b] = await Promise.all([startServer(['--data', data.dir, ...args], childEnv()), launch().then((x) => (browser = x))]);
    await server.waitFor(SIM_READY, 90_000);
    await server.waitFor(ready, 30_000);
    return { server, browser: b, users: demoUsers(server.stdout), close };
  } catch (e) {
    await close(); // a start that failed half-way leaves no process or folder behind
    throw e;
  }
}
