/**
 * Client side of the HDLC link (IEC 62056-46 normal response mode), sans-IO. Methods return the
 * bytes to send; `receive(frame)` takes decoded frames from the server and queues events for
 * `nextEvent()`. The lifecycle is the TRANSITIONS table; an event not in the table for the
 * current state throws DLMS_ILLEGAL_STATE naming both. Sequence numbers are modulo 8:
 * V(S) counts I-frames sent, V(R) I-frames received (a received N(S) other than V(R) is
 * DLMS_HDLC_BAD_FRAME). Addresses of received frames are not checked here (the transport demuxes).
 */
import { DlmsError } from '../errors.ts';
import { encodeHdlcFrame, type HdlcAddress, type HdlcFrame } from './hdlc.ts';

export type HdlcLinkState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting';
export type HdlcLinkEventKind =
  | 'connect' | 'disconnect' | 'sendInfo' | 'sendReady'
  | 'rxUA' | 'rxDM' | 'rxFRMR' | 'rxI' | 'rxRR' | 'rxRNR' | 'rxUI' | 'rxSNRM' | 'rxDISC';

export const TRANSITIONS: Record<HdlcLinkState, Partial<Record<HdlcLinkEventKind, HdlcLinkState>>> = {
  disconnected: { connect: 'connecting', rxDM: 'disconnected', rxUI: 'disconnected' },
  connecting: { rxUA: 'connected', rxDM: 'disconnected', rxFRMR: 'disconnected' },
  connected: {
    sendInfo: 'connected', sendReady: 'connected', rxI: 'connected', rxRR: 'connected', rxRNR: 'connected',
    rxUI: 'connected', disconnect: 'disconnecting', rxDM: 'disconnected', rxFRMR: 'disconnected',
  },
  disconnecting: { rxUA: 'disconnected', rxDM: 'disconnected', rxI: 'disconnecting', rxRR: 'disconnecting', rxUI: 'disconnecting' },
};

/** What the link reports to the layer above. */
export type HdlcLinkEvent =
  | { readonly kind: 'connected'; readonly info: Uint8Array }
  | { readonly kind: 'disconnected'; readonly reason: 'UA' | 'DM' | 'FRMR' }
  | { readonly kind: 'info'; readonly frame: HdlcFrame }
  | { readonly kind: 'ready'; readonly busy: boolean; readonly nr: number };

export interface HdlcLinkOptions {
  readonly client: HdlcAddress;
  readonly server: HdlcAddress;
}

const EMPTY = new Uint8Array(0);

export class HdlcLink {
  private current: HdlcLinkState = 'disconnected';
  private vs = 0;
  private vr = 0;
  private readonly events: HdlcLinkEvent[] = [];

  constructor(private readonly opts: HdlcLinkOptions) {}

  get state(): HdlcLinkState { return this.current; }
  /** Send state variable V(S): N(S) of the next I-frame sent. */
  get sendSequence(): number { return this.vs; }
  /** Receive state variable V(R): N(S) expected on the next I-frame received. */
  get receiveSequence(): number { return this.vr; }

  /** SNRM (optionally carrying negotiated parameters in `info`). */
  connect(info: Uint8Array = EMPTY): Uint8Array {
    return this.send('connect', { kind: 'SNRM', pf: true }, info, false);
  }

  disconnect(): Uint8Array {
    return this.send('disconnect', { kind: 'DISC', pf: true }, EMPTY, false);
  }

  /** An I-frame with N(S)=V(S), N(R)=V(R); poll bit set unless more segments follow. */
  sendInfo(info: Uint8Array, segmented = false): Uint8Array {
    const bytes = this.send('sendInfo', { kind: 'I', ns: this.vs, nr: this.vr, pf: !segmented }, info, segmented);
    this.vs = (this.vs + 1) & 7;
    return bytes;
  }

  /** RR with N(R)=V(R): acknowledges and asks the server for the next segment. */
  sendReady(): Uint8Array {
    return this.send('sendReady', { kind: 'RR', nr: this.vr, pf: true }, EMPTY, false);
  }

  receive(frame: HdlcFrame): void {
    const c = frame.control;
    const from = this.current;
    this.step(`rx${c.kind}`);
    switch (c.kind) {
      case 'UA':
        if (from === 'connecting') { this.vs = 0; this.vr = 0; this.events.push({ kind: 'connected', info: frame.info }); }
        else this.events.push({ kind: 'disconnected', reason: 'UA' });
        return;
      case 'DM':
      case 'FRMR':
        this.events.push({ kind: 'disconnected', reason: c.kind });
        return;
      case 'I':
        if (c.ns !== this.vr) {
          throw new DlmsError('DLMS_HDLC_BAD_FRAME', `HDLC I-frame N(S)=${c.ns}, expected V(R)=${this.vr}`, { details: { ns: c.ns, vr: this.vr } });
        }
        this.vr = (this.vr + 1) & 7;
        this.events.push({ kind: 'info', frame });
        return;
      case 'RR':
      case 'RNR':
        this.events.push({ kind: 'ready', busy: c.kind === 'RNR', nr: c.nr });
        return;
      case 'UI':
        this.events.push({ kind: 'info', frame });
        return;
      default:
        return; // SNRM/DISC never pass step(): a client does not accept them
    }
  }

  nextEvent(): HdlcLinkEvent | undefined {
    return this.events.shift();
  }

  private step(event: HdlcLinkEventKind): void {
    this.current = this.target(event);
  }

  private target(event: HdlcLinkEventKind): HdlcLinkState {
    const to = TRANSITIONS[this.current][event];
    if (to === undefined) {
      throw new DlmsError('DLMS_ILLEGAL_STATE', `HDLC link: event ${event} is not allowed in state ${this.current}`, {
        details: { state: this.current, event },
      });
    }
    return to;
  }

  /** Encodes first, then commits the transition: a frame that cannot be encoded changes nothing. */
  private send(event: HdlcLinkEventKind, control: HdlcFrame['control'], info: Uint8Array, segmented: boolean): Uint8Array {
    const to = this.target(event);
    const bytes = encodeHdlcFrame({ segmented, destination: this.opts.server, source: this.opts.client, control, info });
    this.current = to;
    return bytes;
  }
}
