import createClient from 'openapi-fetch'
import type { paths } from './schema'

// Typed for the JSON answers; the one CSV answer (the queue export) is read as a blob.
export type ApiClient = ReturnType<typeof createClient<paths, 'application/json'>>

let client: ApiClient | null = null
let base = ''

/** Called once at start-up with the base URL from config.json ("" = same origin). */
export function initApi(baseUrl: string, language: () => string): void {
  base = baseUrl
  client = createClient<paths, 'application/json'>({ baseUrl })
  client.use({
    onRequest({ request }) {
      // Categories, validation messages and timeline texts come back in the reader's language.
      request.headers.set('Accept-Language', language())
      return request
    },
  })
}

export function api(): ApiClient {
  if (!client) throw new Error('API client used before initApi()')
  return client
}

/** The API base URL from config.json ("" = same origin), for clients made elsewhere (the staff console's). */
export function apiBaseUrl(): string {
  return base
}
