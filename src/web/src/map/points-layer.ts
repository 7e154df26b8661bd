import L from 'leaflet';

const PANE = 'meterPoints';

export interface MapPoint {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  /** Index into the layer's palette. */
  readonly colour: number;
}

/**
 * Many small dots on one canvas. A Leaflet layer object per meter costs ~1 kB and a few µs to
 * create and redraw; 100,000 of them make panning stutter. This layer keeps the points projected
 * once (zoom 0 pixels) in typed arrays and redraws only what is in view after each move.
 */
export class PointsLayer extends L.Layer {
  private canvas: HTMLCanvasElement | undefined;
  private x = new Float64Array(0);
  private y = new Float64Array(0);
  private colour = new Uint8Array(0);
  private ids: string[] = [];
  private readonly onMove = () => this.redraw();

  constructor(private readonly palette: readonly string[], private readonly radius = 2.5) {
    super();
  }

  /** Replaces the points (keeps the layer on the map). */
  setPoints(points: readonly MapPoint[]): this {
    const n = points.length;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.colour = new Uint8Array(n);
    this.ids = new Array<string>(n);
    const crs = L.CRS.EPSG3857;
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      const px = crs.latLngToPoint(L.latLng(p.lat, p.lon), 0);
      this.x[i] = px.x;
      this.y[i] = px.y;
      this.colour[i] = p.colour;
      this.ids[i] = p.id;
    }
    this.redraw();
    return this;
  }

  get size(): number {
    return this.ids.length;
  }

  override onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', 'leaflet-zoom-hide map-points');
    // Its own pane above the vector layers (whose SVG would cover it) and below the markers.
    (map.getPane(PANE) ?? map.createPane(PANE)).appendChild(this.canvas);
    map.on('moveend zoomend resize viewreset', this.onMove);
    this.redraw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('moveend zoomend resize viewreset', this.onMove);
    this.canvas?.remove();
    this.canvas = undefined;
    return this;
  }

  /** The point nearest to a container pixel within `tolerance` pixels, if any. */
  hit(container: L.Point, tolerance = 6): { id: string; index: number } | null {
    const map = this.map();
    if (!map) return null;
    const { ox, oy, s } = this.frame(map);
    let best = -1;
    let bestD = tolerance * tolerance;
    for (let i = 0; i < this.ids.length; i++) {
      const dx = this.x[i]! * s - ox - container.x;
      const dy = this.y[i]! * s - oy - container.y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = i; }
    }
    return best < 0 ? null : { id: this.ids[best]!, index: best };
  }

  private map(): L.Map | undefined {
    return (this as unknown as { _map?: L.Map })._map;
  }

  /** Scale from zoom-0 pixels to the current zoom, and the container's top-left in those pixels. */
  private frame(map: L.Map): { ox: number; oy: number; s: number } {
    const s = 2 ** map.getZoom();
    const o = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
    return { ox: o.x, oy: o.y, s };
  }

  redraw(): void {
    const map = this.map();
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const t0 = performance.now();
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    canvas.width = Math.round(size.x * dpr);
    canvas.height = Math.round(size.y * dpr);
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const { ox, oy, s } = this.frame(map);
    // Smaller dots when zoomed out, so 100,000 of them do not paint the area solid.
    const r = map.getZoom() >= 16 ? this.radius + 1 : map.getZoom() <= 12 ? Math.max(1, this.radius - 1) : this.radius;
    const n = this.ids.length;
    for (let c = 0; c < this.palette.length; c++) {
      ctx.fillStyle = this.palette[c]!;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        if (this.colour[i] !== c) continue;
        const px = this.x[i]! * s - ox;
        const py = this.y[i]! * s - oy;
        if (px < -r || py < -r || px > size.x + r || py > size.y + r) continue;
        ctx.rect(px - r, py - r, 2 * r, 2 * r);
      }
      ctx.fill();
    }
    // How long the last redraw took, for the performance check (docs/decisions/2026-11-26-web-grid.md).
    canvas.dataset.drawMs = (performance.now() - t0).toFixed(1);
    canvas.dataset.points = String(n);
  }
}
