const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const num = (n) => nf.format(n);

export function power(w) {
  const a = Math.abs(w);
  if (a >= 1e6) return `${nf.format(w / 1e6)} MW`;
  if (a >= 1e3) return `${nf.format(w / 1e3)} kW`;
  return `${nf.format(w)} W`;
}

export function when(iso, timeZone) {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}),
  });
}

/** Replace an element's children with text/elements; never innerHTML with data from the API. */
export function fill(el, ...children) {
  el.replaceChildren(...children.map((c) => (typeof c === 'string' ? document.createTextNode(c) : c)));
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  fill(el, ...children);
  return el;
}
