import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { METER_PALETTE, transformerState, type GridMap, type TransformerProps } from '../grid.ts';
import { PointsLayer, type MapPoint } from './points-layer.ts';

export interface MapTexts {
  readonly label: string;
  readonly zoomIn: string;
  readonly zoomOut: string;
  /** Popup of a transformer, as DOM (links inside go through the app's router). */
  transformerPopup(t: TransformerProps, inOutage: boolean): HTMLElement;
  meterPopup(id: string): HTMLElement;
  feeder(name: string): string;
  substation: string;
}

export interface NetworkMapProps {
  readonly map: GridMap;
  readonly outageTransformers: ReadonlySet<string>;
  readonly meters: readonly MapPoint[];
  readonly texts: MapTexts;
  /** The view moved: the page may load the meters of the transformers in view. */
  readonly onView?: (view: { zoom: number; bounds: L.LatLngBounds }) => void;
  /** Set to fly to and open a transformer (the table's "show on map"). */
  readonly focus?: { id: string; n: number } | null;
}

/**
 * The network on Leaflet without a tile layer: the simulated area's outline is the base map (so it
 * works offline), feeders and transformers are vector layers, meters are dots on one canvas.
 */
export function NetworkMap({ map, outageTransformers, meters, texts, onView, focus }: NetworkMapProps) {
  const box = useRef<HTMLDivElement>(null);
  const lmap = useRef<L.Map | null>(null);
  const grid = useRef<L.LayerGroup | null>(null);
  const points = useRef<PointsLayer | null>(null);
  const markers = useRef(new Map<string, L.Marker>());
  const textsRef = useRef(texts);
  textsRef.current = texts;
  const viewRef = useRef(onView);
  viewRef.current = onView;

  // The map itself: created once.
  useEffect(() => {
    const m = L.map(box.current!, {
      zoomControl: false, attributionControl: false, zoomSnap: 0.25, minZoom: 10, maxZoom: 19, preferCanvas: false, keyboard: true,
    });
    L.control.zoom({ zoomInTitle: textsRef.current.zoomIn, zoomOutTitle: textsRef.current.zoomOut }).addTo(m);
    grid.current = L.layerGroup().addTo(m);
    points.current = new PointsLayer(METER_PALETTE).addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => {
      const hit = points.current?.hit(e.containerPoint);
      if (hit) L.popup().setLatLng(e.latlng).setContent(textsRef.current.meterPopup(hit.id)).openOn(m);
    });
    m.on('moveend', () => viewRef.current?.({ zoom: m.getZoom(), bounds: m.getBounds() }));
    lmap.current = m;
    return () => { m.remove(); lmap.current = null; };
  }, []);

  // The network: the area, the substation, feeders and transformers.
  useEffect(() => {
    const m = lmap.current;
    const g = grid.current;
    if (!m || !g) return;
    g.clearLayers();
    markers.current.clear();
    const [w, s, e, n] = map.bbox;
    const t = textsRef.current;
    for (const f of map.features) {
      const p = f.properties;
      if (f.geometry.type === 'Polygon' && p.kind === 'area') {
        L.polygon(f.geometry.coordinates.map((ring) => ring.map(([lon, lat]) => [lat, lon] as L.LatLngTuple)), {
          className: 'map-area', color: '#6f7c5f', weight: 1.5, fillColor: '#eef2e8', fillOpacity: 1, interactive: false,
        }).addTo(g);
      }
    }
    for (const f of map.features) {
      const p = f.properties;
      if (f.geometry.type === 'LineString' && p.kind === 'feeder') {
        L.polyline(f.geometry.coordinates.map(([lon, lat]) => [lat, lon] as L.LatLngTuple), { className: 'map-feeder', color: '#33415c', weight: 3, opacity: 0.9 })
          .bindTooltip(t.feeder(p.name ?? p.id), { sticky: true }).addTo(g);
      }
    }
    for (const f of map.features) {
      const p = f.properties;
      if (f.geometry.type !== 'Point') continue;
      const [lon, lat] = f.geometry.coordinates;
      if (p.kind === 'substation') {
        // Under the transformers: one often stands right beside the substation.
        L.marker([lat, lon], { icon: L.divIcon({ className: 'map-substation', iconSize: [26, 26] }), keyboard: false, zIndexOffset: 0 })
          .bindTooltip(t.substation).addTo(g);
      } else if (p.kind === 'transformer') {
        const out = outageTransformers.has(p.id);
        const state = transformerState(p.loading, out);
        const marker = L.marker([lat, lon], {
          icon: L.divIcon({ className: `map-tx tx-${state}`, iconSize: out ? [18, 18] : [14, 14] }), keyboard: false, zIndexOffset: out ? 900 : 500,
        }).bindTooltip(p.id).bindPopup(() => textsRef.current.transformerPopup(p, out)).addTo(g);
        markers.current.set(p.id, marker);
      }
    }
    if (Number.isFinite(w) && n > s && e > w) {
      const bounds = L.latLngBounds([s, w], [n, e]);
      m.fitBounds(bounds);
      m.setMaxBounds(bounds.pad(0.5));
    }
  }, [map, outageTransformers]);

  useEffect(() => { points.current?.setPoints(meters); }, [meters]);

  useEffect(() => {
    if (!focus) return;
    const marker = markers.current.get(focus.id);
    const m = lmap.current;
    if (!marker || !m) return;
    m.setView(marker.getLatLng(), Math.max(m.getZoom(), 16));
    marker.openPopup();
    // Keyboard users came from the table: put them on the popup's first link.
    marker.getPopup()?.getElement()?.querySelector('a')?.focus();
  }, [focus]);

  return <div ref={box} className="network-map" role="region" aria-label={texts.label} data-testid="network-map" />;
}
