// Runtime configuration, read from config.json beside index.html before the app mounts,
// so one build serves any deployment. apiBaseUrl "" means "same origin as the page".
// mapTileUrl (a Leaflet tile URL template, e.g. "/tiles/{z}/{x}/{y}.png") turns the optional map
// pin on; empty by default, and then no map code is ever loaded. mapCoordinateSystem names the
// coordinates the tiles are drawn in: "WGS-84" (default; OpenStreetMap and most others) or "GCJ-02"
// (Chinese providers); the API always stores WGS-84.

import type { CoordinateSystem } from './lib/coordinates'

export interface RuntimeConfig {
  apiBaseUrl: string
  mapTileUrl: string
  mapAttribution: string
  mapCoordinateSystem: CoordinateSystem
}

let current: RuntimeConfig = { apiBaseUrl: '', mapTileUrl: '', mapAttribution: '', mapCoordinateSystem: 'WGS-84' }

/** The configuration loaded at start-up. */
export function runtimeConfig(): RuntimeConfig {
  return current
}

function text(json: unknown, key: string): string {
  const v = (json as Record<string, unknown> | null)?.[key]
  return typeof v === 'string' ? v.trim() : ''
}

export async function loadConfig(): Promise<RuntimeConfig> {
  try {
    const res = await fetch('config.json', { cache: 'no-store', credentials: 'same-origin' })
    if (res.ok) {
      const json: unknown = await res.json()
      const base = (json as { apiBaseUrl?: unknown } | null)?.apiBaseUrl
      if (typeof base === 'string') {
        current = {
          apiBaseUrl: base.trim().replace(/\/+$/, ''),
          mapTileUrl: text(json, 'mapTileUrl'),
          mapAttribution: text(json, 'mapAttribution'),
          mapCoordinateSystem: text(json, 'mapCoordinateSystem').toUpperCase() === 'GCJ-02' ? 'GCJ-02' : 'WGS-84',
        }
        return current
      }
    }
    console.warn('config.json missing or invalid; using the same origin for the API')
  } catch {
    console.warn('config.json could not be read; using the same origin for the API')
  }
  return current
}
