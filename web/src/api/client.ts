// The typed API client: openapi-fetch over the types generated from the gateway's OpenAPI
// document (schema.d.ts). Browser sessions use the gateway's cookie protocol: sign-in sends
// `X-ZJTX-Session: cookie`, the session cookie is HttpOnly, and every unsafe request carries
// the readable `zjtx_csrf` cookie's value in `X-CSRF-Token`. No token is ever written to storage.
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { notePlatformNow } from '../lib/time'

export type Schemas = components['schemas']
export type { paths }

export interface Violation { field: string; code: string; message: string }
export interface Problem { code: string; message: string; violations: Violation[]; status: number }

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// Only while the gateway does not yet answer sign-in with cookies: a bearer token held in
// memory (never in storage); dropped on reload and on sign-out.
let memoryToken = ''
export function holdToken(token: string | undefined): void { memoryToken = token ?? '' }

export function csrfToken(): string {
  const match = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('zjtx_csrf='))
  return match ? decodeURIComponent(match.slice('zjtx_csrf='.length)) : ''
}

export function sessionHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = { 'X-ZJTX-Session': 'cookie' }
  if (UNSAFE.has(method.toUpperCase())) {
    const csrf = csrfToken()
    if (csrf) headers['X-CSRF-Token'] = csrf
  }
  if (memoryToken) headers.Authorization = `Bearer ${memoryToken}`
  return headers
}

const session: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(sessionHeaders(request.method))) request.headers.set(k, v)
    return request
  },
  onResponse({ response }) {
    notePlatformNow(response.headers.get('X-ZJTX-Now'))
    return response
  },
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(session)

const FALLBACK: Record<number, string> = {
  401: '登录已失效，请重新登录',
  403: '您无权执行此操作',
  404: '找不到所请求的内容',
  413: '提交的内容过大',
  429: '操作过于频繁，请稍后再试',
  502: '服务暂时出错，请稍后再试',
  503: '服务暂不可用，请稍后再试',
  504: '服务响应超时，请稍后再试',
}

/** The gateway's error body as a Problem (or a plain one when the answer was not JSON). */
export function toProblem(error: unknown, status: number): Problem {
  const body = (error ?? {}) as Partial<Problem>
  return {
    code: body.code ?? `http.${status}`,
    message: body.message ?? FALLBACK[status] ?? `请求未成功（HTTP ${status}）`,
    violations: Array.isArray(body.violations) ? body.violations : [],
    status,
  }
}

export class ApiError extends Error {
  constructor(public problem: Problem) { super(problem.message) }
}

/** Unwraps an openapi-fetch result: the data, or throws ApiError with the gateway's problem. */
export async function call<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result
  try {
    result = await p
  } catch {
    throw new ApiError({ code: 'network', message: '无法连接服务器，请检查网络后重试', violations: [], status: 0 })
  }
  if (result.error !== undefined || !result.response.ok) {
    if (result.response.status === 401) onUnauthenticated?.()
    throw new ApiError(toProblem(result.error, result.response.status))
  }
  return result.data as T
}

let onUnauthenticated: (() => void) | undefined
export function whenUnauthenticated(handler: () => void): void { onUnauthenticated = handler }

export interface UploadProgress { loaded: number; total: number }

/**
 * A raw-body upload with progress (XHR: fetch has no upload progress). `url` is an API path
 * with its query; the file's media type is the Content-Type, as the gateway expects.
 */
export function upload<T>(url: string, file: Blob, mediaType: string, onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    for (const [k, v] of Object.entries(sessionHeaders('POST'))) xhr.setRequestHeader(k, v)
    xhr.setRequestHeader('Content-Type', mediaType)
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size })
    xhr.onload = () => {
      let body: unknown = undefined
      try { body = JSON.parse(xhr.responseText) } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T)
      else reject(new ApiError(toProblem(body, xhr.status)))
    }
    xhr.onerror = () => reject(new ApiError({ code: 'network', message: '上传中断，请检查网络后重试', violations: [], status: 0 }))
    xhr.onabort = () => reject(new ApiError({ code: 'aborted', message: '上传已取消', violations: [], status: 0 }))
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(file)
  })
}

/** Downloads an API file (cookie session) and hands it to the browser as a named file. */
export async function download(url: string, filename: string): Promise<void> {
  const blob = await fetchBlob(url)
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}

export async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url, { credentials: 'same-origin', headers: sessionHeaders('GET') })
  if (!response.ok) {
    let body: unknown
    try { body = await response.json() } catch { /* not JSON */ }
    throw new ApiError(toProblem(body, response.status))
  }
  return response.blob()
}
