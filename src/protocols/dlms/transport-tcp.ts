/**
 * DLMS/COSEM over TCP with the IEC 62056-47 wrapper (port 4059): the only place in
 * protocols/dlms that touches sockets (STYLE.md §1). Client in transport-tcp-client.ts,
 * server (simulated meters, inbound push) in transport-tcp-server.ts.
 */
export { DEFAULT_PUSH_TAGS, isPushByTag, openDlmsTcp } from './transport-tcp-client.ts';
export type { DlmsPushHandler, DlmsPushInfo, DlmsTcpClientOptions, DlmsTcpConnection } from './transport-tcp-client.ts';
export { listenDlmsTcp } from './transport-tcp-server.ts';
export type { DlmsTcpConnectionInfo, DlmsTcpHandler, DlmsTcpRequestContext, DlmsTcpServer, DlmsTcpServerOptions } from './transport-tcp-server.ts';
