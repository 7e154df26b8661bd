// Peak events end to end in headless Chromium: `meterstack start` seeds a past and an upcoming demo
// event; an operator creates one for a customer's home in the console; the customer sees the notice
// in the portal and acknowledges it; the operator sees the answer. axe on every page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Server } from '../process.ts';
import { haveChromium, newPage, screenshot } from './browser.ts';
import { login, noSeriousA11yIssues, startDemo, type Demo, type DemoPlatform } from './demo.ts';

const STEP = { timeout: 60_000 };

describe('web: peak events (demand response) in headless Chromium', { skip: !haveChromium() && !process.env.CI ? 'no /usr/bin/chromium (apt-get install chromium)' : false }, () => {
  let demo: DemoPlatform | undefined;
  let server: Server;
  let browser: Browser;
  let users: Demo[];

  before(async () => {
    demo = await startDemo('e2e-dr', ['--meters', '30', '--history', '2', '--no-mqtt', '--no-coap', '--no-dlms'], /demand response: a past and an upcoming demo peak event/);
    ({ server, browser, users } = demo);
  });

  after(async () => {
    await demo?.close();
  });

  it('operator creates a peak event for a home; the customer sees the notice and acknowledges it', STEP, async () => {
    const operator = users.find((u) => u.role === 'operator')!;
    const customer = users.find((u) => u.role === 'customer')!;
    const op = await newPage(browser);
    await login(op.page, server.url, operator, '/dr');
    await op.page.getByRole('heading', { level: 1, name: 'Peak events' }).waitFor();
    // The demo events of the first start are listed.
    await op.page.getByRole('link', { name: 'Tomorrow\'s evening peak' }).waitFor();
    await op.page.getByLabel('Name').fill('E2E peak');
    await op.page.getByLabel('Level').selectOption('3');
    await op.page.getByRole('textbox', { name: 'Premises' }).fill(customer.premise!);
    await op.page.getByLabel('What customers should do').fill('Please run the dishwasher after 20:00.');
    await op.page.getByRole('button', { name: 'Create event' }).click();
    await op.page.getByText('Peak event “E2E peak” created').waitFor();
    await op.page.getByRole('link', { name: 'E2E peak' }).waitFor();
    await noSeriousA11yIssues(op.page, 'console: peak events');

    const c = await newPage(browser);
    await login(c.page, server.url, customer, '/portal/events');
    const notice = c.page.getByTestId('peak-notice').filter({ hasText: 'E2E peak' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /Please run the dishwasher after 20:00\./);
    assert.match(await notice.innerText(), /Critical demand on the grid/);
    await noSeriousA11yIssues(c.page, 'portal: peak events');
    await screenshot(c.page, 'portal-events');
    await notice.getByRole('button', { name: 'Got it' }).click();
    await notice.getByTestId('peak-acknowledged').waitFor();
    // Other portal pages carry a banner while an event is announced.
    await c.page.getByRole('link', { name: 'My energy' }).click();
    await c.page.getByTestId('peak-banner').waitFor();
    await c.context.close();

    await op.page.getByRole('link', { name: 'E2E peak' }).click();
    await op.page.getByRole('heading', { level: 1, name: 'E2E peak' }).waitFor();
    await op.page.getByText('1 acknowledged, 0 opted out').waitFor();
    await noSeriousA11yIssues(op.page, 'console: peak event detail');
    await screenshot(op.page, 'dr-event');
    // The operator's view of the customer's notices is read-only.
    await op.page.goto(`${server.url}/portal/events?premise=${customer.premise}`);
    await op.page.getByTestId('peak-notice').filter({ hasText: 'E2E peak' }).waitFor();
    assert.equal(await op.page.getByRole('button', { name: 'I can\'t take part' }).count(), 0);
    await op.context.close();
  });
});
