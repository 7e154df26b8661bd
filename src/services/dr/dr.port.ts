/**
 * What the DR service needs from outside, injected by the composition root: an OpenADR reader
 * (src/formats/openadr; services may not import codecs, so the shape is declared here and the
 * codec's output fits it) and the in-home-display delivery over the MQTT command channel.
 */

export interface OadrIntervalLike { readonly durationS: number; readonly value: number }
export interface OadrSignalLike { readonly signalName: string; readonly signalType: string; readonly intervals: readonly OadrIntervalLike[] }
export interface OadrEventLike {
  readonly eventId: string;
  readonly modificationNumber: number;
  readonly eventStatus: string;
  readonly testEvent: boolean;
  readonly vtnComment: string | null;
  readonly marketContext: string | null;
  readonly startMs: number;
  readonly durationS: number;
  readonly notificationS: number | null;
  readonly signals: readonly OadrSignalLike[];
  readonly targets: Readonly<Record<string, readonly string[]>>;
}
export type OadrMessageLike =
  | { readonly type: 'oadrDistributeEvent'; readonly vtnId: string; readonly requestId: string | null; readonly events: readonly OadrEventLike[] }
  | { readonly type: 'oadrCreatedEvent' | 'oadrResponse' };

/** src/formats/openadr parseOpenAdr. */
export type OpenAdrReader = (xml: string, source: string) => OadrMessageLike;

/** The args of the `ihd-message` command (docs/mqtt.md § Commands). */
export interface IhdMessage {
  readonly eventId: string;
  readonly start: string;
  readonly end: string;
  readonly level: number;
  readonly text: string;
  readonly cancelled?: boolean;
}

export interface IhdDelivery {
  /** Meters that can be reached over the MQTT command channel now. */
  reachable(): Promise<ReadonlySet<string>>;
  /** Sends `ihd-message`; resolves with the display's answer, rejects on timeout or a failed answer. */
  send(meterId: string, msg: IhdMessage): Promise<unknown>;
}
