import uPlot from '/vendor/uplot/uPlot.esm.js';

const charts = new Map();

function size(el) {
  return { width: Math.max(320, el.clientWidth || 800), height: 280 };
}

/** Draw (or redraw) a uPlot chart into `el`; one chart per element. */
export function draw(el, opts, data) {
  charts.get(el)?.destroy();
  const chart = new uPlot({ ...size(el), ...opts }, data, el);
  charts.set(el, chart);
  return chart;
}

addEventListener('resize', () => {
  for (const [el, chart] of charts) chart.setSize(size(el));
});

/** Shade [start, end) spans behind the plot: how missing intervals show without a line. */
export function shadeSpans(spans, color) {
  return (u) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = color;
    for (const [a, b] of spans) {
      const x0 = u.valToPos(a, 'x', true);
      const x1 = u.valToPos(b, 'x', true);
      if (x1 < bbox.left || x0 > bbox.left + bbox.width) continue;
      ctx.fillRect(x0, bbox.top, Math.max(1, x1 - x0), bbox.height);
    }
    ctx.restore();
  };
}

export const tzDate = (timeZone) => (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone);
