import { get } from './api.js';
import { draw, shadeSpans, tzDate } from './charts.js';
import { fill, h, num, when } from './format.js';

const $ = (id) => document.getElementById(id);
const ESTIMATED = new Set(['S', 'E', 'F']);
let current = null;

/** Offset of `timeZone` from UTC at instant `ms`, from Intl (the browser has no zone library). */
function offsetMs(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const v = (t) => Number(parts.find((p) => p.type === t).value);
  return Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'), v('second')) - ms;
}

function localMidnight(date, timeZone) {
  const utc = Date.parse(`${date}T00:00:00Z`);
  return utc - offsetMs(utc - offsetMs(utc, timeZone), timeZone);
}

const todayIn = (timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function readAll(meterId, query) {
  const items = [];
  let cursor;
  do {
    const page = await get(`/meters/${encodeURIComponent(meterId)}/readings`, { ...query, limit: 1000, cursor });
    items.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor && items.length < 20_000);
  return items;
}

function summary(items, channel, zone) {
  if (items.length === 0) return 'No intervals in this range.';
  const est = items.filter((r) => ESTIMATED.has(r.quality)).length;
  const miss = items.filter((r) => r.quality === 'N').length;
  const withValue = items.filter((r) => r.quality !== 'N');
  const total = withValue.reduce((s, r) => s + r.value, 0);
  const top = withValue.reduce((a, r) => (a === null || r.value > a.value ? r : a), null);
  return `${num(items.length)} intervals from ${when(items[0].start, zone)} to ${when(items.at(-1).end, zone)} (${zone}): `
    + `${num(items.length - est - miss)} actual, ${num(est)} estimated, ${num(miss)} missing. `
    + `Total ${num(total)} ${channel.unit}` + (top ? `, highest ${num(top.value)} ${channel.unit} in the interval ending ${when(top.end, zone)}.` : '.');
}

async function chart() {
  const { meter, channels } = current;
  const channel = channels.find((c) => c.obis === $('meter-channel').value);
  const last = $('meter-day').value;
  const days = Number($('meter-days').value);
  const from = new Date(localMidnight(addDays(last, 1 - days), meter.timeZone)).toISOString();
  // Intervals that have not happened yet are not "missing": stop at the last completed interval.
  const stepMs = channel.intervalS * 1000;
  const to = new Date(Math.min(localMidnight(addDays(last, 1), meter.timeZone), Math.floor(Date.now() / stepMs) * stepMs)).toISOString();
  if (to <= from) {
    fill($('meter-chart-summary'), 'That day has not started yet in the meter\'s time zone.');
    return;
  }
  const items = await readAll(meter.id, { channel: channel.obis, from, to });
  const xs = items.map((r) => Date.parse(r.start) / 1000);
  const pick = (test) => items.map((r) => (test(r.quality) ? r.value : null));
  const missing = items.filter((r) => r.quality === 'N').map((r) => [Date.parse(r.start) / 1000, Date.parse(r.end) / 1000]);
  draw($('meter-chart'), {
    tzDate: tzDate(meter.timeZone),
    hooks: { drawClear: [shadeSpans(missing, 'rgba(200,40,40,0.18)')] },
    series: [
      {},
      { label: `Actual (${channel.unit})`, stroke: '#1f5fbf', width: 1.5 },
      { label: `Estimated (${channel.unit})`, stroke: '#c46a00', width: 1.5, dash: [6, 4], points: { show: true, size: 6, fill: '#fff' } },
    ],
  }, [xs, pick((q) => q !== 'N' && !ESTIMATED.has(q)), pick((q) => ESTIMATED.has(q))]);
  $('meter-chart').setAttribute('aria-label', `${channel.name ?? channel.obis} of meter ${meter.id}`);
  fill($('meter-chart-summary'), summary(items, channel, meter.timeZone));
}

function facts(meter, channels) {
  const rows = [
    ['Kind', meter.kind], ['Status', meter.status], ['Vendor / model', [meter.vendor, meter.model].filter(Boolean).join(' ') || '–'],
    ['Firmware', meter.firmware ?? '–'], ['Feeder', meter.grid?.feederId ?? '–'], ['Transformer', meter.grid?.transformerId ?? '–'],
    ['Phase', meter.grid?.phase ?? '–'], ['Time zone', meter.timeZone], ['Tags', meter.tags.join(', ') || '–'],
    ['Channels', channels.map((c) => `${c.obis} ${c.name ?? ''}`.trim()).join('; ') || 'none'],
  ];
  return rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]);
}

export function wireMeter(onError) {
  $('meter-range').addEventListener('submit', (e) => {
    e.preventDefault();
    if (current) chart().catch(onError);
  });
}

export async function showMeter(id) {
  const { meter, channels } = await get(`/meters/${encodeURIComponent(id)}`);
  const interval = channels.filter((c) => c.intervalS > 0);
  current = { meter, channels: interval };
  fill($('meter-title'), `Meter ${meter.id}`);
  fill($('meter-facts'), ...facts(meter, channels));
  fill($('meter-channel'), ...interval.map((c) => h('option', { value: c.obis }, `${c.obis} ${c.name ?? ''}`.trim())));
  const preferred = interval.find((c) => c.obis === '1-0:1.8.0.255');
  if (preferred) $('meter-channel').value = preferred.obis;
  $('meter-day').value = todayIn(meter.timeZone);
  if (interval.length === 0) {
    fill($('meter-chart-summary'), 'This meter has no interval channels.');
    return;
  }
  await chart();
}
