// Public surface of DLMS security suite 0 (AES-GCM-128): control byte, GCM protect/unprotect,
// glo-/general-glo-ciphering APDUs, HLS-GMAC (mechanism 5), replay guard and send counters, keystore port.
export { parseControl, formatControl, requireSuite0, controlFor, modeOf, type SecurityControl, type ProtectionMode } from './control.ts';
export { protect, unprotect, makeIv, makeAad, TAG_LENGTH, MAX_INVOCATION_COUNTER, type ProtectParams, type UnprotectParams, type Unprotected } from './gcm.ts';
export { seal, open, encodeCiphered, decodeCiphered, GLO_TAGS, GENERAL_GLO_CIPHERING_TAG, type CipheredApdu, type GloKind, type SealParams, type OpenParams, type Opened } from './ciphered-apdu.ts';
export { hlsGmacResponse, verifyHlsGmacResponse, responseFromAuthOnlyBody, HLS_GMAC_MECHANISM_ID, type HlsGmacParams, type HlsGmacVerifyParams } from './hls-gmac.ts';
export { ReplayGuard, SendCounters, type SecurityEvent, type SecurityEventSink, type ReplayGuardState, type SendCountersState } from './invocation-counter.ts';
export { SoftwareKeyStore, type KeyStore, type KeyId, type KeyRef, type KeyPair, type MeterKeys, type SoftwareKeyStoreData } from './keystore.ts';
export { SecretKey, type KeyMaterial } from './secret-key.ts';
