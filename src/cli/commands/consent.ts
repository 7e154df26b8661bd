import type { Command } from 'commander';
import { epochToIso } from '../../model/index.ts';
import type { ConsentView, ThirdPartyRecord } from '../../services/index.ts';
import { cliActor, DATA_OPTION, withServices } from '../with-services.ts';


const partyLine = (p: ThirdPartyRecord): string =>
  `${p.id.padEnd(28)} ${p.status.padEnd(10)} ${p.country}  ${p.legalName}  (${p.purposes.join(', ')}; ${p.website})`;
const consentLine = (c: ConsentView): string =>
  `${c.id}  ${c.state.padEnd(8)}${c.live ? ' live' : ` (${c.notLive})`.padEnd(18)}  ${c.premise.padEnd(14)} ${c.party.id.padEnd(24)} ${c.purpose} ${c.scopes.join('+')} ${c.granularity} until ${epochToIso(c.validUntil).slice(0, 10)}`;

/** `meterstack thirdparty add|list|suspend|reactivate|remove|key` and `meterstack consent list|revoke`. */
export function registerConsent(program: Command): void {
  const tp = program.command('thirdparty').description('the registry of third parties that may ask customers for their data (docs/consent.md)');
  tp.command('add')
    .description('register a third party')
    .requiredOption('--name <legal name>', 'legal name')
    .requiredOption('--contact <contact>', 'privacy contact (e-mail or phone)')
    .requiredOption('--website <url>', 'website (http/https)')
    .requiredOption('--country <cc>', 'ISO 3166-1 two-letter country code')
    .requiredOption('--purposes <list>', 'comma-separated: energy-advice, switching, research, ev-charging')
    .option('--id <id>', 'id (default: from the legal name)')
    .option(...DATA_OPTION)
    .action((o: { name: string; contact: string; website: string; country: string; purposes: string; id?: string; data?: string }) => withServices(o, async (s) => {
      const p = await s.thirdParties.add({
        ...(o.id ? { id: o.id } : {}), legalName: o.name, contact: o.contact, website: o.website, country: o.country, purposes: o.purposes.split(',').map((x) => x.trim()).filter(Boolean),
      }, cliActor());
      process.stdout.write(`registered ${partyLine(p)}\n`);
    }));
  tp.command('list')
    .description('list the registry')
    .option('--status <s>', 'active | suspended | removed')
    .option('--json', 'as JSON')
    .option(...DATA_OPTION)
    .action((o: { status?: ThirdPartyRecord['status']; json?: boolean; data?: string }) => withServices(o, async (s) => {
      const list = await s.thirdParties.list(o.status);
      process.stdout.write(o.json ? `${JSON.stringify(list, null, 2)}\n` : list.length ? `${list.map(partyLine).join('\n')}\n` : 'no third parties\n');
    }));
  for (const [event, what] of [['suspend', 'stop all of its access at once (its consents stay)'], ['reactivate', 'lift a suspension'], ['remove', 'end its consents and keys for good']] as const) {
    tp.command(`${event} <id>`)
      .description(what)
      .option('--reason <text>', 'why (audited)')
      .option(...DATA_OPTION)
      .action((id: string, o: { reason?: string; data?: string }) => withServices(o, async (s) => {
        const p = await s.thirdParties.transition(id, event, cliActor(), o.reason);
        process.stdout.write(`${partyLine(p)}\n`);
      }));
  }
  tp.command('key <id>')
    .description('issue an API key for the third party (printed this once; only its hash is kept)')
    .option('--label <label>', 'what the key is for', 'api')
    .option('--revoke <keyId>', 'revoke this key of the party instead')
    .option(...DATA_OPTION)
    .action((id: string, o: { label: string; revoke?: string; data?: string }) => withServices(o, async (s) => {
      if (o.revoke) {
        const k = await s.thirdParties.revokeKey(id, o.revoke, cliActor());
        process.stdout.write(`revoked ${k.keyId} of ${id}\n`);
        return;
      }
      const k = await s.thirdParties.issueKey(id, o.label, cliActor());
      process.stdout.write(`key ${k.keyId} for ${id}, shown only this once — hand it over securely:\n  ${k.key}\n`);
    }));

  const consent = program.command('consent').description('customers\' consents for third parties');
  consent.command('list')
    .description('list consents, newest first')
    .option('--premise <id>', 'of one premise')
    .option('--party <id>', 'of one third party')
    .option('--status <s>', 'active | revoked | expired')
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'as JSON')
    .option(...DATA_OPTION)
    .action((o: { premise?: string; party?: string; status?: 'active' | 'revoked' | 'expired'; limit: string; json?: boolean; data?: string }) => withServices(o, async (s) => {
      const page = await s.consents.list({
        ...(o.premise ? { premise: o.premise } : {}), ...(o.party ? { thirdPartyId: o.party } : {}), ...(o.status ? { status: o.status } : {}),
      }, { limit: Number(o.limit) || 100 });
      process.stdout.write(o.json ? `${JSON.stringify(page, null, 2)}\n` : `${page.items.map(consentLine).join('\n')}${page.items.length ? '\n' : ''}${page.total} consent(s)\n`);
    }));
  consent.command('revoke <id>')
    .description('revoke a customer\'s consent (e.g. fraud); the party\'s access stops at once')
    .requiredOption('--reason <text>', 'why (audited, shown to the customer)')
    .option(...DATA_OPTION)
    .action((id: string, o: { reason: string; data?: string }) => withServices(o, async (s) => {
      const c = await s.consents.revokeAsOperator(cliActor(), id, o.reason);
      process.stdout.write(`${consentLine(c)}\n`);
    }));
}
