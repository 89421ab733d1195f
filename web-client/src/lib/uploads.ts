import { apiBaseUrl } from '../api/client'
import { currentLocale } from '../i18n'
import { DEVICE_TOKEN_HEADER, deviceToken } from './device'

// Photo uploads: shrink big photos in the browser, send them one by one with progress
// (XMLHttpRequest: fetch cannot report upload progress), and make tiny thumbnails for the draft.

export const MAX_PHOTOS = 9
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp']

/** Beyond either, a photo is redrawn as a JPEG of at most this many pixels on its longest side. */
const SHRINK_SIDE = 2560
const SHRINK_BYTES = 3 * 1024 * 1024

export interface Uploaded {
  id: string
  width: number
  height: number
}

export type UploadOutcome =
  | { ok: true; photo: Uploaded }
  | { ok: false; status: number; title: string | null }

async function decode(file: Blob): Promise<ImageBitmap | null> {
  if (typeof createImageBitmap !== 'function') return null
  try {
    // Phones store photos sideways with an orientation tag: draw them the way they are shown.
    return await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    return null
  }
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality))
}

function draw(image: ImageBitmap, longest: number): HTMLCanvasElement {
  const scale = Math.min(1, longest / Math.max(image.width, image.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(image.width * scale))
  canvas.height = Math.max(1, Math.round(image.height * scale))
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#fff' // a transparent PNG becomes a JPEG on white
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height)
  return canvas
}

/**
 * A photo ready to send, and a tiny JPEG thumbnail (a data: URL of a few kB) for the draft. A photo
 * over 3 MB or 2560 pixels is redrawn as a JPEG (quality 0.85); anything the browser cannot decode
 * is sent as it is, and the server says what is wrong with it.
 */
export async function prepare(file: File): Promise<{ blob: Blob; thumb: string }> {
  const image = ACCEPTED_TYPES.includes(file.type) ? await decode(file) : null
  if (!image) return { blob: file, thumb: '' }
  try {
    const thumbCanvas = draw(image, 96)
    const thumb = thumbCanvas.toDataURL('image/jpeg', 0.6)
    if (file.size <= SHRINK_BYTES && Math.max(image.width, image.height) <= SHRINK_SIDE) return { blob: file, thumb }
    const shrunk = await toBlob(draw(image, SHRINK_SIDE), 'image/jpeg', 0.85)
    return { blob: shrunk && shrunk.size < file.size ? shrunk : file, thumb }
  } finally {
    image.close()
  }
}

/** Sends one photo; onProgress gets 0..1 as the bytes leave. Never rejects. */
export function upload(blob: Blob, name: string, onProgress: (fraction: number) => void): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${apiBaseUrl()}/api/v1/uploads`)
    xhr.setRequestHeader(DEVICE_TOKEN_HEADER, deviceToken())
    xhr.setRequestHeader('Accept-Language', currentLocale())
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      let body: Record<string, unknown> | null = null
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201 && body && typeof body.uploadId === 'string') {
        resolve({ ok: true, photo: { id: body.uploadId, width: Number(body.width), height: Number(body.height) } })
      } else {
        resolve({ ok: false, status: xhr.status, title: typeof body?.title === 'string' ? body.title : null })
      }
    }
    xhr.onerror = () => resolve({ ok: false, status: 0, title: null })
    xhr.ontimeout = xhr.onerror
    const form = new FormData()
    form.append('file', blob, name)
    xhr.send(form)
  })
}
