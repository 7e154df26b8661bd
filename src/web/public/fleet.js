import { get } from './api.js';
import { draw } from './charts.js';
import { fill, h, num, power, when } from './format.js';

const PAGE = 25;
const DAY_MS = 86_400_000;
const QUARTER_MS = 900_000;
// Cursors only go forward, so the list keeps the cursor of every page it has been to.
const list = { q: '', cursors: [null], index: 0 };

const $ = (id) => document.getElementById(id);

function counts(title, map) {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  return h('div', { class: 'card' }, h('h4', {}, title),
    entries.length ? h('ul', {}, ...entries.map(([k, v]) => h('li', {}, `${k}: ${num(v)}`))) : h('p', {}, 'none'));
}

function single(title, value) {
  return h('div', { class: 'card' }, h('h4', {}, title), h('p', { class: 'big' }, value));
}

function loadSummary(load, ys) {
  const have = ys.map((y, i) => [y, i]).filter(([y]) => y !== null);
  if (have.length === 0) return `No load data from the ${num(load.meters)} meters in the last 7 days.`;
  const [peak, pi] = have.reduce((a, b) => (b[0] > a[0] ? b : a));
  const [low, li] = have.reduce((a, b) => (b[0] < a[0] ? b : a));
  const avg = have.reduce((s, [y]) => s + y, 0) / have.length;
  return `Total load of ${num(load.meters)} meters over the last 7 days, in ${load.intervalS / 60}-minute intervals: `
    + `peak ${power(peak)} at ${when(load.items[pi].start)}, lowest ${power(low)} at ${when(load.items[li].start)}, `
    + `average ${power(avg)}. Latest data: ${load.latest ? when(load.latest) : 'none'}.`;
}

async function overview() {
  const to = new Date(Math.floor(Date.now() / QUARTER_MS) * QUARTER_MS);
  const from = new Date(to.getTime() - 7 * DAY_MS);
  const [summary, load] = await Promise.all([
    get('/fleet/summary'),
    get('/fleet/load', { from: from.toISOString(), to: to.toISOString() }),
  ]);
  fill($('overview'),
    single('Meters', num(summary.meters)),
    counts('By kind', summary.byKind), counts('By status', summary.byStatus), counts('By tag', summary.byTag),
    single('Transformers', num(summary.transformers)), single('Feeders', num(summary.feeders)),
    single('Latest data', load.latest ? when(load.latest) : 'none'));
  const xs = load.items.map((p) => Date.parse(p.start) / 1000);
  const ys = load.items.map((p) => (p.contributors > 0 ? p.averageW ?? p.value : null));
  draw($('fleet-chart'), {
    series: [{}, { label: 'Total load (W)', stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.12)', width: 1.5, value: (_u, v) => (v === null ? '–' : power(v)) }],
    axes: [{}, { values: (_u, vals) => vals.map(power), size: 70 }],
  }, [xs, ys]);
  fill($('fleet-chart-summary'), loadSummary(load, ys));
}

async function meterPage() {
  const page = await get('/meters', { limit: PAGE, cursor: list.cursors[list.index] ?? undefined, q: list.q });
  list.cursors[list.index + 1] = page.next;
  fill($('meter-rows'), ...page.items.map((m) => h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/meters/${encodeURIComponent(m.id)}` }, m.id)),
    h('td', {}, m.kind), h('td', {}, m.status), h('td', {}, m.grid?.transformerId ?? '–'), h('td', {}, m.tags.join(', ')))));
  const first = list.index * PAGE + 1;
  const info = page.total === 0 ? 'No meters match.' : `Meters ${num(first)}–${num(first + page.items.length - 1)} of ${num(page.total)}`;
  fill($('page-info'), info);
  fill($('meters-caption'), list.q ? `Meters whose id contains “${list.q}”` : 'Meters');
  $('page-prev').disabled = list.index === 0;
  $('page-next').disabled = page.next === null;
}

export function wireFleet(onError) {
  const run = (p) => p.catch(onError);
  $('meter-search').addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(list, { q: $('meter-q').value.trim(), cursors: [null], index: 0 });
    run(meterPage());
  });
  $('page-prev').addEventListener('click', () => { list.index = Math.max(0, list.index - 1); run(meterPage()); });
  $('page-next').addEventListener('click', () => { list.index += 1; run(meterPage()); });
}

export function showFleet() {
  return Promise.all([overview(), meterPage()]);
}
