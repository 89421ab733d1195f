import { readString, writeString } from './storage'

// A random token drawn once per browser and sent as X-Device-Token: it ties an upload to this
// device and counts one "me too" per device. It identifies nothing else; the server keeps only its hash.

const KEY = 'feedback.device.v1'
let inMemory: string | null = null

export const DEVICE_TOKEN_HEADER = 'X-Device-Token'

export function deviceToken(): string {
  const stored = readString('local', KEY) ?? inMemory
  if (stored && /^[A-Za-z0-9_-]{22,128}$/.test(stored)) return stored
  const bytes = new Uint8Array(24)
  crypto.getRandomValues(bytes)
  const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  inMemory = token
  writeString('local', KEY, token)
  return token
}
