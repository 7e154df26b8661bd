/**
 * What the DSMR P1 adapter offers, in one place for the head-end, docs and a future adapter
 * registry (STYLE.md §7). See README "DSMR P1".
 */
export const DSMR_MANIFEST = {
  id: 'dsmr',
  name: 'DSMR P1 telegrams (NL DSMR 2.2-5.x, BE e-MUCS, LU Smarty)',
  errorPrefix: 'DSMR_',
  versions: ['2.2', '3.0', '4.0', '4.2', '5.0', 'e-MUCS 1.7', 'e-MUCS 2.1', 'Smarty (encrypted)'],
  transports: [
    { id: 'file', note: 'a capture of concatenated telegrams (meterstack import --format dsmr)' },
    { id: 'stdin' },
    { id: 'tcp', note: 'ser2net-style P1 gateway: raw TCP carrying the serial bytes' },
  ],
  modes: ['push'],
  security: { frames: ['general-glo-ciphering (0xDB)'], cipher: 'AES-128-GCM, 12-byte tag' },
} as const;
