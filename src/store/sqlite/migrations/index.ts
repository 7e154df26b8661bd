import { initial } from './001-initial.ts';
import { mqttCredentials } from './002-mqtt-credentials.ts';
import { vee } from './003-vee.ts';
import { billing } from './004-billing.ts';
import { settlement } from './005-settlement.ts';
import { users } from './006-users.ts';
import { firmware } from './007-firmware.ts';
import { consent } from './008-consent.ts';
import { dr } from './009-dr.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [initial, mqttCredentials, vee, billing, settlement, users, firmware, consent, dr];
