import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gcj02ToWgs84, wgs84ToGcj02, type LatLng } from './coordinates.ts'

// Reference values: WGS-84 points and their GCJ-02 counterparts as computed by an independent
// implementation (the coordtransform package, 7 decimals ≈ 1 cm).
const REFERENCE: [string, LatLng, LatLng][] = [
  ['Shengzhou', { latitude: 29.58, longitude: 120.82 }, { latitude: 29.5774085, longitude: 120.8241372 }],
  ['Beijing', { latitude: 39.9087, longitude: 116.3975 }, { latitude: 39.9101035, longitude: 116.4037436 }],
  ['Shanghai', { latitude: 31.2304, longitude: 121.4737 }, { latitude: 31.2284577, longitude: 121.4782231 }],
  ['Urumqi', { latitude: 43.8256, longitude: 87.6168 }, { latitude: 43.8268054, longitude: 87.6196499 }],
  ['Haikou', { latitude: 20.044, longitude: 110.1999 }, { latitude: 20.041886, longitude: 110.2041924 }],
]

const close = (a: LatLng, b: LatLng, tolerance: number) =>
  Math.abs(a.latitude - b.latitude) <= tolerance && Math.abs(a.longitude - b.longitude) <= tolerance

for (const [place, wgs, gcj] of REFERENCE) {
  test(`WGS-84 to GCJ-02 at ${place} matches the reference`, () => {
    const got = wgs84ToGcj02(wgs)
    assert.ok(close(got, gcj, 1e-7), `${JSON.stringify(got)} ≠ ${JSON.stringify(gcj)}`)
  })
  test(`GCJ-02 to WGS-84 at ${place} returns the original point`, () => {
    const got = gcj02ToWgs84(gcj)
    assert.ok(close(got, wgs, 2e-7), `${JSON.stringify(got)} ≠ ${JSON.stringify(wgs)}`)
  })
}

test('outside China there is no offset', () => {
  const paris = { latitude: 48.8584, longitude: 2.2945 }
  assert.deepEqual(wgs84ToGcj02(paris), paris)
  assert.deepEqual(gcj02ToWgs84(paris), paris)
})
