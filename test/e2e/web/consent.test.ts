// Consent end to end in headless Chromium: `meterstack start` seeds fictional third parties and a
// demo customer's consent; the customer gives a consent and revokes it in "My data sharing"; an
// operator sees the registry, and views the customer's sharing read-only. axe on every page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Server } from '../process.ts';
import { haveChromium, newPage, screenshot } from './browser.ts';
import { login, noSeriousA11yIssues, startDemo, type Demo, type DemoPlatform } from './demo.ts';

const STEP = { timeout: 60_000 };

describe('web: consent and third-party data sharing in headless Chromium', { skip: !haveChromium() && !process.env.CI ? 'no /usr/bin/chromium (apt-get install chromium)' : false }, () => {
  let demo: DemoPlatform | undefined;
  let server: Server;
  let browser: Browser;
  let users: Demo[];

  before(async () => {
    demo = await startDemo('e2e-consent', ['--meters', '30', '--history', '1', '--no-mqtt', '--no-coap', '--no-dlms'], /consent: 3 demo third parties registered/);
    ({ server, browser, users } = demo);
  });

  after(async () => {
    await demo?.close();
  });

  it('customer: sees the demo consent, gives a consent, revokes it after confirming, and sees who read the data', STEP, async () => {
    const customer = users.find((u) => u.role === 'customer')!;
    const { page, context } = await newPage(browser);
    await login(page, server.url, customer, '/portal/sharing');
    await page.getByRole('heading', { level: 1, name: 'My data sharing' }).waitFor();
    const mine = page.getByTestId('my-consents');
    await mine.getByRole('rowheader', { name: 'GreenWatt Coach B.V.' }).waitFor();
    assert.match(await mine.innerText(), /Energy advice\s+Energy used\s+Daily/);
    await page.getByText('Nobody has read your data yet.').waitFor();
    await noSeriousA11yIssues(page, 'my data sharing');
    await screenshot(page, 'portal-sharing');

    await page.getByLabel('Third party').selectOption({ label: 'Delta Institute for Energy Research (NL)' });
    await page.getByLabel('Purpose').selectOption('research');
    await page.getByLabel('How fine').selectOption('P1M');
    await page.getByLabel('For how long').selectOption('91');
    await page.getByRole('button', { name: 'Give consent' }).click();
    await page.getByTestId('sharing-note').getByText(/You now share your data with Delta Institute for Energy Research until/).waitFor();
    const row = mine.getByRole('row', { name: /Delta Institute/ });
    await row.getByText('Monthly').waitFor();

    await page.getByRole('button', { name: 'Revoke: Delta Institute for Energy Research' }).click();
    const reason = page.getByLabel('Why (optional)');
    assert.equal(await reason.evaluate((el) => el === el.ownerDocument.activeElement), true, 'focus moves to the confirmation');
    await reason.fill('no longer interested');
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByTestId('sharing-note').getByText('You no longer share your data with Delta Institute for Energy Research.').waitFor();
    await row.getByText('Revoked').waitFor();
    await noSeriousA11yIssues(page, 'my data sharing after revoking');
    await context.close();
  });

  it('operator: sees the registry and consents in the console, and a customer\'s sharing only read-only', STEP, async () => {
    const operator = users.find((u) => u.role === 'operator')!;
    const customer = users.find((u) => u.role === 'customer')!;
    const { page, context } = await newPage(browser);
    await login(page, server.url, operator, '/consents');
    await page.getByRole('heading', { level: 1, name: 'Consent and third parties' }).waitFor();
    for (const name of ['GreenWatt Coach B.V.', 'Delta Institute for Energy Research', 'VoltSwitch GmbH']) await page.getByRole('rowheader', { name: new RegExp(name) }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Suspend' }).count(), 0, 'an operator reads the registry; security officers change it');
    await page.getByRole('rowheader', { name: customer.premise! }).first().waitFor();
    await noSeriousA11yIssues(page, 'consent console');
    await screenshot(page, 'consents');

    await page.goto(`${server.url}/portal/sharing?premise=${customer.premise}`);
    await page.getByText('Only the customer can give or revoke consent.').waitFor();
    await page.getByTestId('my-consents').getByRole('rowheader', { name: 'GreenWatt Coach B.V.' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Give consent' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Revoke/ }).count(), 0);
    await noSeriousA11yIssues(page, 'operator view of my data sharing');
    await context.close();
  });

  it('admin: suspends a party and issues it a key that is shown once', STEP, async () => {
    const admin = users.find((u) => u.role === 'admin')!;
    const { page, context } = await newPage(browser);
    await login(page, server.url, admin, '/consents');
    const row = page.getByRole('row', { name: /VoltSwitch GmbH/ });
    await row.getByRole('button', { name: 'Issue API key' }).click();
    const key = page.getByTestId('issued-key');
    await key.waitFor();
    assert.match(await key.innerText(), /msk_\S{20,}/);
    await page.getByRole('button', { name: 'I have stored the key' }).click();
    assert.equal(await page.getByTestId('issued-key').count(), 0);
    await row.getByRole('button', { name: 'Suspend' }).click();
    await page.getByLabel('Reason', { exact: true }).fill('contract under review');
    await page.getByRole('button', { name: 'Yes, continue' }).click();
    await row.getByText('Suspended').waitFor();
    await row.getByRole('button', { name: 'Reactivate' }).waitFor();
    await context.close();
  });
});
