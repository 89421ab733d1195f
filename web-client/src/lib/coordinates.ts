// The map's two coordinate systems. The API stores WGS-84 (what GPS and the browser's geolocation
// give). Tiles from Chinese providers (AutoNavi/Amap, Tencent, …) are drawn in GCJ-02, WGS-84 moved
// by a published, deliberately irregular offset of a few hundred metres inside China; config.json's
// mapCoordinateSystem says which one the tiles use, and only the map converts.

export interface LatLng {
  latitude: number
  longitude: number
}

export type CoordinateSystem = 'WGS-84' | 'GCJ-02'

// GCJ-02 is defined on the Krasovsky 1940 ellipsoid.
const SEMI_MAJOR_AXIS = 6378245.0
const ECCENTRICITY_SQUARED = 0.00669342162296594323

/** The rough box the offset applies in; outside it GCJ-02 equals WGS-84. */
function inChina({ latitude, longitude }: LatLng): boolean {
  return longitude >= 72.004 && longitude <= 137.8347 && latitude >= 0.8293 && latitude <= 55.8271
}

/** The offset in metres (north, east): a polynomial plus sine waves in x = longitude − 105, y = latitude − 35. */
function offsetMetres(x: number, y: number): [number, number] {
  const sin = (turns: number) => Math.sin(turns * Math.PI)
  const common = (2 / 3) * (20 * sin(6 * x) + 20 * sin(2 * x))
  const north =
    -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + common +
    (2 / 3) * (20 * sin(y) + 40 * sin(y / 3)) + (2 / 3) * (160 * sin(y / 12) + 320 * sin(y / 30))
  const east =
    300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + common +
    (2 / 3) * (20 * sin(x) + 40 * sin(x / 3)) + (2 / 3) * (150 * sin(x / 12) + 300 * sin(x / 30))
  return [north, east]
}

/** WGS-84 → GCJ-02. */
export function wgs84ToGcj02(p: LatLng): LatLng {
  if (!inChina(p)) return p
  const [north, east] = offsetMetres(p.longitude - 105, p.latitude - 35)
  const phi = (p.latitude * Math.PI) / 180
  const w = 1 - ECCENTRICITY_SQUARED * Math.sin(phi) ** 2
  // Metres to degrees on the ellipsoid: the meridian and the parallel's radii of curvature.
  const meridian = (SEMI_MAJOR_AXIS * (1 - ECCENTRICITY_SQUARED)) / (w * Math.sqrt(w))
  const parallel = (SEMI_MAJOR_AXIS / Math.sqrt(w)) * Math.cos(phi)
  return {
    latitude: p.latitude + (north * 180) / (meridian * Math.PI),
    longitude: p.longitude + (east * 180) / (parallel * Math.PI),
  }
}

/**
 * GCJ-02 → WGS-84. The formula has no closed inverse; the offset changes slowly, so subtracting the
 * offset found at the current guess converges to well under a millimetre in a few steps.
 */
export function gcj02ToWgs84(p: LatLng): LatLng {
  if (!inChina(p)) return p
  let guess = p
  for (let i = 0; i < 10; i++) {
    const there = wgs84ToGcj02(guess)
    const dLat = p.latitude - there.latitude
    const dLng = p.longitude - there.longitude
    guess = { latitude: guess.latitude + dLat, longitude: guess.longitude + dLng }
    if (Math.abs(dLat) < 1e-10 && Math.abs(dLng) < 1e-10) break
  }
  return guess
}

/** Converters between what the API stores and what the tiles are drawn in. */
export function mapProjection(system: CoordinateSystem): { toMap(p: LatLng): LatLng; fromMap(p: LatLng): LatLng } {
  return system === 'GCJ-02' ? { toMap: wgs84ToGcj02, fromMap: gcj02ToWgs84 } : { toMap: (p) => p, fromMap: (p) => p }
}
