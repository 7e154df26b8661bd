/** DSMR P1: what other layers may use (STYLE.md §12). */
export { DSMR_MANIFEST } from './manifest.ts';
export { DsmrError, isDsmrError, type DsmrErrorCode } from './errors.ts';
export { crc16Arc, crc16ArcText, crcHex } from './crc.ts';
export {
  parseTelegram, latin1, DEFAULT_ZONE, EMUCS_ZONE,
  type Telegram, type DsmrObject, type DsmrHeader, type DsmrCrc, type DsmrFlavor, type ParseOptions,
} from './telegram.ts';
export type { DsmrValue, PowerFailure } from './values.ts';
export { toCanonical, equipmentId, POWER_DOWN, POWER_UP, type CanonicalOptions, type CanonicalTelegram } from './to-canonical.ts';
export { decodeFrame, decryptFrame, encryptFrame, frameLength, GENERAL_GLO_CIPHERING, type EncryptedFrame, type FrameKeys } from './encrypted.ts';
export { TelegramSplitter, type SkipCause, type SplitEvent, type SplitterOptions } from './splitter.ts';
export { inspectDsmr, type InspectOptions } from './inspect.ts';
export { dsmrImport } from './import-format.ts';
export { formatTelegram, fixed, p1Time, hexText } from './writer.ts';
