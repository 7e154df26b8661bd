/** Firmware signing keys, signed images and campaigns (docs/firmware.md). */
export {
  FirmwareService, MAX_IMAGE_BYTES, type CampaignProgress, type CampaignView, type HaltReason, type ImageView, type KeyView, type NewCampaign, type NewImage,
  type NewSigningKey, type WaveResult, type FirmwarePorts,
} from './firmware.service.ts';
export { FirmwareRunner, type RunnerOptions } from './runner.ts';
export {
  CAMPAIGN_STATES, CAMPAIGN_TRANSITIONS, DEFAULT_SETTINGS, JOB_STATES, SKIP_REASONS, inWindow, parseSettings, parseTarget, parseTimeOfDay, parseWindow, parseWindowSpec,
  type CampaignSettings, type CampaignTarget, type SkipReason, type TimeWindow,
} from './campaign.rules.ts';
export { parseSigningKey, verifySignature, type SigningAlgorithm } from './signing.ts';
