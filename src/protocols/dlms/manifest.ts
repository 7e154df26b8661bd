/**
 * What the DLMS/COSEM adapter offers, in one place for the head-end, docs and a future adapter
 * registry (STYLE.md §7). Capabilities are listed as they become real; see README "DLMS/COSEM".
 */
export const DLMS_MANIFEST = {
  id: 'dlms',
  name: 'DLMS/COSEM (IEC 62056)',
  errorPrefix: 'DLMS_',
  transports: [
    { id: 'tcp-wrapper', standard: 'IEC 62056-47', defaultPort: 4059 },
    { id: 'hdlc', standard: 'IEC 62056-46' },
  ],
  modes: ['poll', 'push'],
  security: { suites: [0], mechanisms: ['lowest', 'low', 'hls-gmac'], modes: ['authentication', 'encryption', 'authenticated-encryption'] },
} as const;
