// Firmware campaigns end to end in headless Chromium: `meterstack start` seeds a demo vendor key
// and a signed image and runs simulated MQTT meters; an operator creates a campaign from the
// console in two clicks, starts it, watches the progress, halts it, resumes it and sees it complete.
// axe on the list, the form, the confirm dialog and the detail page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { childEnv, killAll, SIM_READY, startServer, tempDir, type Server } from '../process.ts';
import { freePort } from '../mqtt-support.ts';
import { haveChromium, launch, newPage, screenshot } from './browser.ts';
import { demoUsers, login, noSeriousA11yIssues, type Demo } from './demo.ts';
import { ensureBundle } from '../../../scripts/web-bundle.mjs';

const STEP = { timeout: 90_000 };

describe('web: firmware campaigns in headless Chromium', { skip: !haveChromium() && !process.env.CI ? 'no /usr/bin/chromium (apt-get install chromium)' : false }, () => {
  const data = tempDir('e2e-web-firmware');
  let server: Server;
  let browser: Browser;
  let operator: Demo;

  before(async () => {
    await ensureBundle({ log: () => undefined });
    const mqttPort = await freePort();
    [server, browser] = await Promise.all([
      startServer(['--data', data.dir, '--meters', '120', '--history', '1', '--no-coap', '--no-dlms', '--mqtt-port', String(mqttPort), '--mqtt-devices', '12'], childEnv()),
      launch(),
    ]);
    await server.waitFor(SIM_READY, 120_000);
    await server.waitFor(/firmware: demo image img-/, 60_000);
    operator = demoUsers(server.stdout).find((u) => u.role === 'operator')!;
  });

  after(async () => {
    await browser?.close();
    await killAll();
    data.remove();
  });

  it('operator: creates a campaign in two clicks, starts it, sees progress, halts, resumes, sees it complete', STEP, async () => {
    const { page, context, watched } = await newPage(browser);
    await login(page, server.url, operator, '/firmware');
    await page.getByRole('heading', { level: 1, name: 'Firmware campaigns' }).waitFor();
    assert.ok(await page.getByRole('navigation').getByRole('link', { name: 'Firmware' }).isVisible());
    await page.getByText('No campaigns yet.').waitFor();
    // The demo image is chosen and the target follows it; slow the campaign down so it can be halted.
    await page.getByLabel('Image').selectOption({ index: 0 });
    await page.getByLabel('Canary meters').fill('1');
    await page.getByLabel('Meters per wave').fill('1');
    await page.getByLabel('Upgrades at once').fill('1');
    await page.getByLabel('Halt above failed (%)').fill('100');
    await noSeriousA11yIssues(page, 'firmware list with the form');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByTestId('campaign-state').filter({ hasText: 'Draft' }).waitFor();
    assert.match(page.url(), /\/firmware\/fwc-[0-9a-f]{8}$/);

    await page.getByRole('button', { name: 'Start' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await noSeriousA11yIssues(page, 'confirm dialog');
    await dialog.getByRole('button', { name: 'Yes: Start' }).click();
    await page.getByTestId('campaign-state').filter({ hasText: 'Running' }).waitFor();
    await page.getByRole('button', { name: 'Halt' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes: Halt' }).click();
    await page.getByTestId('campaign-state').filter({ hasText: 'Halted' }).waitFor();
    assert.match(await page.getByTestId('halt-reason').innerText(), /Halted by user:/);
    const halted = await page.getByTestId('progress-text').innerText();
    assert.match(halted, /done: \d+ of \d+ meters finished/);
    await noSeriousA11yIssues(page, 'halted campaign');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes: Resume' }).click();
    // The page polls while the campaign runs: it completes without a reload.
    await page.getByTestId('campaign-state').filter({ hasText: 'Completed' }).waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('progress-text').innerText(), /^100%/);
    const succeeded = Number(await page.getByTestId('state-counts').locator('td[data-state="succeeded"]').innerText());
    const failed = Number(await page.getByTestId('state-counts').locator('td[data-state="failed"]').innerText());
    assert.ok(succeeded + failed >= 1, `${succeeded} succeeded, ${failed} failed`);
    assert.ok(await page.getByTestId('wave-table').getByRole('rowheader', { name: 'Canary' }).isVisible());
    if (failed > 0) assert.match(await page.getByTestId('failed-table').getByRole('link').first().getAttribute('href') ?? '', /^\/meters\//);
    await noSeriousA11yIssues(page, 'completed campaign');
    await screenshot(page, 'firmware');

    await page.getByRole('link', { name: '← All campaigns' }).click();
    await page.getByTestId('campaign-table').waitFor();
    assert.match(await page.getByTestId('campaign-table').innerText(), /Completed/);
    // The one 401 is the session check before the login.
    assert.deepEqual(watched.errors.filter((e) => !/status of 401/.test(e)), []);
    await context.close();
  });
});
