import { MeterstackError } from '../../model/index.ts';
import {
  EVENT_STATUSES, type OadrCreatedEvent, type OadrDistributeEvent, type OadrEvent, type OadrEventResponse, type OadrEventStatus,
  type OadrInterval, type OadrMeasurement, type OadrMessage, type OadrResponse, type OadrResponseInfo, type OadrSignal,
} from './messages.ts';
import { bool, dateTimeMs, durationS, float, integer } from './values.ts';
import { at, child, children, parseXmlTree, type XmlNode } from './xml-tree.ts';

/**
 * OpenADR 2.0b XML (the oadrPayload / oadrSignedObject envelope, or a bare message element) →
 * typed messages. Elements are matched by local name, so any namespace prefixes work. Pure:
 * text in, objects out; anything malformed is an OPENADR_* MeterstackError with the line.
 */

const HANDLED = ['oadrDistributeEvent', 'oadrCreatedEvent', 'oadrResponse'] as const;
const SIGNAL_FIELDS = new Set(['intervals', 'signalName', 'signalType', 'signalID', 'currentValue']);

class Reader {
  constructor(readonly source: string) {}

  missing(parent: XmlNode, path: string): MeterstackError {
    return new MeterstackError('OPENADR_BAD_DOCUMENT', `${parent.name} has no ${path}`, { line: parent.line, source: this.source });
  }

  /** Text of the element at `path` below `n`; required. */
  req(n: XmlNode, ...path: string[]): { text: string; node: XmlNode } {
    const node = at(n, ...path);
    if (!node || node.text === '') throw this.missing(n, path.join('/'));
    return { text: node.text, node };
  }

  opt(n: XmlNode, ...path: string[]): { text: string; node: XmlNode } | undefined {
    const node = at(n, ...path);
    return node && node.text !== '' ? { text: node.text, node } : undefined;
  }

  response(n: XmlNode): OadrResponseInfo {
    const code = this.req(n, 'responseCode');
    return {
      responseCode: integer(code.text, code.node, this.source),
      responseDescription: this.opt(n, 'responseDescription')?.text ?? null,
      requestId: this.opt(n, 'requestID')?.text ?? null,
    };
  }
}

export function parseOpenAdr(xml: string, source = 'openadr'): OadrMessage {
  const root = parseXmlTree(xml, source);
  const r = new Reader(source);
  const msg = messageElement(root, source);
  switch (msg.name) {
    case 'oadrDistributeEvent': return distributeEvent(r, msg);
    case 'oadrCreatedEvent': return createdEvent(r, msg);
    default: return response(r, msg);
  }
}

/** Parses and insists on an oadrDistributeEvent. */
export function parseDistributeEvent(xml: string, source = 'openadr'): OadrDistributeEvent {
  const m = parseOpenAdr(xml, source);
  if (m.type !== 'oadrDistributeEvent') {
    throw new MeterstackError('OPENADR_UNSUPPORTED_MESSAGE', `expected an oadrDistributeEvent, got ${m.type}`, { line: 1, source });
  }
  return m;
}

function messageElement(root: XmlNode, source: string): XmlNode {
  let n = root;
  if (n.name === 'oadrPayload') {
    const signed = child(n, 'oadrSignedObject');
    if (!signed) throw new MeterstackError('OPENADR_BAD_DOCUMENT', 'oadrPayload has no oadrSignedObject', { line: n.line, source });
    const first = signed.children[0];
    if (!first) throw new MeterstackError('OPENADR_BAD_DOCUMENT', 'oadrSignedObject is empty', { line: signed.line, source });
    n = first;
  }
  if (!(HANDLED as readonly string[]).includes(n.name)) {
    if (n.name.startsWith('oadr')) {
      throw new MeterstackError('OPENADR_UNSUPPORTED_MESSAGE', `${n.name} is an OpenADR message this codec does not handle (${HANDLED.join(', ')} are)`, { line: n.line, source });
    }
    throw new MeterstackError('OPENADR_BAD_DOCUMENT', `<${n.name}> is not an OpenADR 2.0b payload (oadrPayload or an oadr message element)`, { line: n.line, source });
  }
  return n;
}

function distributeEvent(r: Reader, n: XmlNode): OadrDistributeEvent {
  const resp = child(n, 'eiResponse');
  return {
    type: 'oadrDistributeEvent',
    requestId: r.opt(n, 'requestID')?.text ?? null,
    vtnId: r.req(n, 'vtnID').text,
    response: resp ? r.response(resp) : null,
    events: children(n, 'oadrEvent').map((e) => event(r, e)),
  };
}

function event(r: Reader, oe: XmlNode): OadrEvent {
  const ei = child(oe, 'eiEvent');
  if (!ei) throw r.missing(oe, 'eiEvent');
  const d = child(ei, 'eventDescriptor');
  if (!d) throw r.missing(ei, 'eventDescriptor');
  const s = r.source;
  const optTime = (name: string): number | null => {
    const v = r.opt(d, name);
    return v ? dateTimeMs(v.text, v.node, s) : null;
  };
  const status = r.req(d, 'eventStatus');
  if (!(EVENT_STATUSES as readonly string[]).includes(status.text)) {
    throw new MeterstackError('OPENADR_BAD_VALUE', `eventStatus "${status.text.slice(0, 40)}" is not one of ${EVENT_STATUSES.join(', ')}`, { line: status.node.line, source: s });
  }
  const mod = r.req(d, 'modificationNumber');
  const priority = r.opt(d, 'priority');
  const test = r.opt(d, 'testEvent');
  const period = child(ei, 'eiActivePeriod');
  if (!period) throw r.missing(ei, 'eiActivePeriod');
  const props = child(period, 'properties');
  if (!props) throw r.missing(period, 'properties');
  const start = r.req(props, 'dtstart', 'date-time');
  const dur = r.req(props, 'duration', 'duration');
  const note = r.opt(props, 'x-eiNotification', 'duration');
  const signals = children(child(ei, 'eiEventSignals'), 'eiEventSignal').map((sig) => signal(r, sig));
  const targets: Record<string, string[]> = {};
  for (const t of child(ei, 'eiTarget')?.children ?? []) {
    if (t.text === '') continue;
    (targets[t.name] ??= []).push(t.text);
  }
  const rr = r.opt(oe, 'oadrResponseRequired')?.text;
  const durS = durationS(dur.text, dur.node, s);
  if (durS < 0) throw new MeterstackError('OPENADR_BAD_VALUE', `event duration "${dur.text}" is negative`, { line: dur.node.line, source: s });
  return {
    eventId: r.req(d, 'eventID').text,
    modificationNumber: integer(mod.text, mod.node, s),
    modificationDateTimeMs: optTime('modificationDateTime'),
    priority: priority ? integer(priority.text, priority.node, s) : null,
    marketContext: r.opt(d, 'eiMarketContext', 'marketContext')?.text ?? null,
    createdDateTimeMs: optTime('createdDateTime'),
    eventStatus: status.text as OadrEventStatus,
    testEvent: test ? bool(test.text, test.node, s) : false,
    vtnComment: r.opt(d, 'vtnComment')?.text ?? null,
    startMs: dateTimeMs(start.text, start.node, s),
    durationS: durS,
    notificationS: note ? durationS(note.text, note.node, s) : null,
    signals,
    targets,
    responseRequired: rr === 'always' || rr === 'never' ? rr : null,
  };
}

function signal(r: Reader, n: XmlNode): OadrSignal {
  const s = r.source;
  const intervals: OadrInterval[] = children(child(n, 'intervals'), 'interval').map((iv) => {
    const dur = r.req(iv, 'duration', 'duration');
    const uid = r.opt(iv, 'uid', 'text');
    const payload = at(iv, 'signalPayload', 'payloadFloat', 'value');
    if (!payload || payload.text === '') throw r.missing(iv, 'signalPayload/payloadFloat/value');
    const durS = durationS(dur.text, dur.node, s);
    if (durS < 0) throw new MeterstackError('OPENADR_BAD_VALUE', `interval duration "${dur.text}" is negative`, { line: dur.node.line, source: s });
    return { uid: uid ? integer(uid.text, uid.node, s) : null, durationS: durS, value: float(payload.text, payload, s) };
  });
  const cur = at(n, 'currentValue', 'payloadFloat', 'value');
  const item = n.children.find((c) => !SIGNAL_FIELDS.has(c.name));
  const measurement: OadrMeasurement | null = item ? {
    name: item.name,
    description: r.opt(item, 'itemDescription')?.text ?? null,
    unit: r.opt(item, 'itemUnits')?.text ?? null,
    scale: r.opt(item, 'siScaleCode')?.text ?? null,
  } : null;
  return {
    signalId: r.req(n, 'signalID').text,
    signalName: r.req(n, 'signalName').text,
    signalType: r.req(n, 'signalType').text,
    currentValue: cur && cur.text !== '' ? float(cur.text, cur, s) : null,
    measurement,
    intervals,
  };
}

function createdEvent(r: Reader, n: XmlNode): OadrCreatedEvent {
  const body = child(n, 'eiCreatedEvent');
  if (!body) throw r.missing(n, 'eiCreatedEvent');
  const resp = child(body, 'eiResponse');
  if (!resp) throw r.missing(body, 'eiResponse');
  const eventResponses: OadrEventResponse[] = children(child(body, 'eventResponses'), 'eventResponse').map((er) => {
    const opt = r.req(er, 'optType');
    if (opt.text !== 'optIn' && opt.text !== 'optOut') {
      throw new MeterstackError('OPENADR_BAD_VALUE', `optType "${opt.text.slice(0, 40)}" is not optIn or optOut`, { line: opt.node.line, source: r.source });
    }
    const mod = r.req(er, 'qualifiedEventID', 'modificationNumber');
    return {
      ...r.response(er),
      eventId: r.req(er, 'qualifiedEventID', 'eventID').text,
      modificationNumber: integer(mod.text, mod.node, r.source),
      optType: opt.text,
    };
  });
  return { type: 'oadrCreatedEvent', venId: r.req(body, 'venID').text, response: r.response(resp), eventResponses };
}

function response(r: Reader, n: XmlNode): OadrResponse {
  const resp = child(n, 'eiResponse');
  if (!resp) throw r.missing(n, 'eiResponse');
  return { type: 'oadrResponse', venId: r.opt(n, 'venID')?.text ?? null, response: r.response(resp) };
}
