import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Axis, type Options, type Series } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** Options without width/height: the chart takes its container's width. */
  readonly options: Omit<Options, 'width' | 'height'>;
  readonly data: AlignedData;
  readonly height?: number;
  /** Names the chart for assistive technology; the text alternative is referenced by describedBy. */
  readonly label: string;
  readonly describedBy?: string;
  /** Called after the chart has been drawn (the meter page measures its render time with it). */
  readonly onDrawn?: () => void;
}

/** A uPlot chart that follows its container's width; redrawn when its data or options change. */
export function Chart({ options, data, height = 280, label, describedBy, onDrawn }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const drawn = useRef(onDrawn);
  drawn.current = onDrawn;
  useEffect(() => {
    const el = box.current!;
    let first = true;
    const width = () => Math.max(280, el.clientWidth || 600);
    const chart = new uPlot({
      ...options, width: width(), height,
      hooks: { ...options.hooks, draw: [...(options.hooks?.draw ?? []), () => { if (first) { first = false; drawn.current?.(); } }] },
    }, data, el);
    const ro = new ResizeObserver(() => chart.setSize({ width: width(), height }));
    ro.observe(el);
    return () => { ro.disconnect(); chart.destroy(); };
  }, [options, data, height]);
  return <div ref={box} className="chart" role="img" aria-label={label} aria-describedby={describedBy} />;
}

/** Shades [start, end) spans (epoch seconds) behind the plot: how missing intervals show without a line. */
export function shadeSpans(spans: readonly (readonly [number, number])[], color: string) {
  return (u: uPlot): void => {
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


/**
 * The time axis and the legend's time in the reader's language and the given zone (uPlot's own
 * labels are English): dates for a span of days, times within a day.
 */
export function timeAxis(locale: string, zone: string | undefined, label: string): { axis: Axis; series: Series } {
  const fmt = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...opts, ...(zone ? { timeZone: zone } : {}) });
  const day = fmt({ day: 'numeric', month: 'short' });
  const time = fmt({ hour: '2-digit', minute: '2-digit' });
  const full = fmt({ dateStyle: 'medium', timeStyle: 'short' });
  return {
    axis: {
      // Each day is named once: at its first tick (several ticks a day would repeat it).
      values: (u, splits) => {
        const span = (u.scales.x!.max ?? 0) - (u.scales.x!.min ?? 0);
        let prev = '';
        return splits.map((s) => {
          const d = day.format(s * 1000);
          const fresh = d !== prev;
          prev = d;
          if (span > 4 * 86_400) return fresh ? d : '';
          return span > 86_400 && fresh ? `${time.format(s * 1000)}\n${d}` : time.format(s * 1000);
        });
      },
      space: 70,
    },
    series: { label, value: (_u, v) => (v == null ? '–' : full.format(v * 1000)) },
  };
}
