import type { PartyInput } from '../services/index.ts';
import type { Platform } from './platform.ts';

/** Fictional third parties (reserved .example domains): what a fresh start shows on the consent pages. */
export const DEMO_THIRD_PARTIES: readonly PartyInput[] = [
  { id: 'greenwatt-coach', legalName: 'GreenWatt Coach B.V.', contact: 'privacy@greenwatt-coach.example', website: 'https://greenwatt-coach.example', country: 'NL', purposes: ['energy-advice', 'ev-charging'] },
  { id: 'delta-energy-institute', legalName: 'Delta Institute for Energy Research', contact: 'dpo@delta-energy-institute.example', website: 'https://delta-energy-institute.example', country: 'NL', purposes: ['research'] },
  { id: 'voltswitch', legalName: 'VoltSwitch GmbH', contact: 'datenschutz@voltswitch.example', website: 'https://voltswitch.example', country: 'DE', purposes: ['switching', 'energy-advice'] },
];

/**
 * On a platform without any third party: the demo registry, and a consent of the first demo customer
 * (if there is one) for the energy-advice app, daily totals with 30 days of history. Later starts do nothing.
 */
export async function seedConsentDemo(p: Platform, log: (msg: string) => void): Promise<void> {
  const s = p.services;
  if ((await s.thirdParties.list()).length > 0) return;
  for (const party of DEMO_THIRD_PARTIES) await s.thirdParties.add(party, 'system');
  const customer = (await s.users.list()).find((u) => u.role === 'customer' && u.premise !== undefined);
  if (customer) {
    await s.consents.grant({ keyId: customer.id, role: 'customer', label: customer.name, user: customer.username, premise: customer.premise! }, {
      thirdPartyId: 'greenwatt-coach', purpose: 'energy-advice', scopes: ['import'], granularity: 'P1D', historyDays: 30,
    });
  }
  log(`consent: ${DEMO_THIRD_PARTIES.length} demo third parties registered${customer ? `; ${customer.username} shares daily totals with ${DEMO_THIRD_PARTIES[0]!.legalName}` : ''}`);
}
