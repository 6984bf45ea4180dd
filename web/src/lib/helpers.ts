// The gateway's helper endpoints for sign-up: the USCC check (the server's own rule, never a
// copy in the browser) and the division picker.
import { api, call } from '../api/client'
import type { paths } from '../api/schema'

export type UsccCheck = paths['/api/v1/uscc/check']['get']['responses'][200]['content']['application/json']
export type Division = paths['/api/v1/divisions']['get']['responses'][200]['content']['application/json']['divisions'][number]

export async function checkUscc(uscc: string, regionCode = ''): Promise<UsccCheck | null> {
  try {
    return await call(api.GET('/api/v1/uscc/check', { params: { query: regionCode ? { uscc, region_code: regionCode } : { uscc } } }))
  } catch {
    return null // the check is a help while typing; registration checks again
  }
}

export async function divisions(parent: string): Promise<Division[] | null> {
  try {
    return (await call(api.GET('/api/v1/divisions', { params: { query: { parent } } }))).divisions
  } catch {
    return null
  }
}

/** Debounce: the last call within `ms` wins. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  return (...args: A) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => fn(...args), ms)
  }
}
