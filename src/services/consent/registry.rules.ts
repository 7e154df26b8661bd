import { MeterstackError } from '../../model/index.ts';
import { isPurpose, type Purpose } from './consent.rules.ts';

export interface PartyInput {
  readonly id?: string;
  readonly legalName: string;
  readonly contact: string;
  readonly website: string;
  readonly country: string;
  readonly purposes: readonly string[];
}

export interface CheckedParty {
  readonly id: string;
  readonly legalName: string;
  readonly contact: string;
  readonly website: string;
  readonly country: string;
  readonly purposes: readonly Purpose[];
}

const ID = /^[a-z0-9][a-z0-9-]{1,47}$/;
const COUNTRY = /^[A-Z]{2}$/;

function invalid(message: string, field: string): MeterstackError {
  return new MeterstackError('THIRD_PARTY_INVALID', message, { details: { field } });
}

/** `Green Watt B.V.` → `green-watt-b-v` (the default id of a new party). */
export function slugOf(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
}

/** A new registry entry, trimmed and checked field by field; the message names the field. */
export function checkParty(p: PartyInput): CheckedParty {
  const legalName = p.legalName.trim();
  if (legalName.length < 2 || legalName.length > 200) throw invalid('the legal name has 2 to 200 characters', 'legalName');
  const id = (p.id ?? slugOf(legalName)).trim();
  if (!ID.test(id)) throw invalid(`id "${id}" must be 2 to 48 lower-case letters, digits or dashes`, 'id');
  const contact = p.contact.trim();
  if (contact.length < 3 || contact.length > 200) throw invalid('the contact (e-mail or phone of the privacy contact) has 3 to 200 characters', 'contact');
  const website = p.website.trim();
  let url: URL | undefined;
  try { url = new URL(website); } catch { url = undefined; }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || website.length > 300) throw invalid('the website is an http(s) address', 'website');
  const country = p.country.trim().toUpperCase();
  if (!COUNTRY.test(country)) throw invalid('the country is an ISO 3166-1 two-letter code', 'country');
  const purposes = [...new Set(p.purposes)];
  if (purposes.length === 0) throw invalid('a third party may ask for at least one purpose', 'purposes');
  const bad = purposes.find((x) => !isPurpose(x));
  if (bad !== undefined) throw invalid(`unknown purpose "${bad}"`, 'purposes');
  return { id, legalName, contact, website, country, purposes: (purposes as Purpose[]).sort() };
}
