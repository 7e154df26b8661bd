#!/usr/bin/env node
import { Command } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerDecode } from './commands/decode.ts';
import { registerDlms } from './commands/dlms-read.ts';
import { registerExport } from './commands/export.ts';
import { registerImport } from './commands/import.ts';
import { registerMqtt } from './commands/mqtt.ts';
import { registerP1 } from './commands/p1.ts';
import { registerStart } from './commands/start.ts';
import { registerEdit } from './commands/edit.ts';
import { registerVee } from './commands/vee.ts';
import { registerBilling } from './commands/billing.ts';
import { registerSettle } from './commands/settle.ts';
import { registerTou } from './commands/tou.ts';
import { registerFirmware } from './commands/firmware.ts';
import { registerConsent } from './commands/consent.ts';
import { registerDr } from './commands/dr.ts';

const program = new Command('meterstack')
  .description('open-source smart-metering platform: head-end, meter data management and services')
  .version('0.1.0');
registerStart(program);
registerImport(program);
registerMqtt(program);
registerExport(program);
registerAudit(program);
registerDecode(program);
registerDlms(program);
registerP1(program);
registerVee(program);
registerEdit(program);
registerBilling(program);
registerSettle(program);
registerTou(program);
registerFirmware(program);
registerConsent(program);
registerDr(program);
await program.parseAsync(process.argv);
