import type { Store } from '../../store/store.port.ts';

/** The store methods firmware uses. */
export type FirmwarePorts = Pick<Store,
  | 'insertFirmwareKey' | 'listFirmwareKeys' | 'insertFirmwareImage' | 'getFirmwareImage' | 'getFirmwareImageBytes' | 'listFirmwareImages'
  | 'putFirmwareCampaign' | 'getFirmwareCampaign' | 'listFirmwareCampaigns' | 'putFirmwareJobs' | 'getFirmwareJob' | 'listFirmwareJobs' | 'tallyFirmwareJobs'
  | 'getMeter' | 'listMeters' | 'upsertMeters' | 'listAccounts' | 'listAssignments' | 'appendAudit'>;
