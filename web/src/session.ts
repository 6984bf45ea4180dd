// Who is signed in (from GET /api/v1/me: the cookie itself is HttpOnly and never read).
import { reactive } from 'vue'
import { api, call, holdToken } from './api/client'
import type { Me } from './api/types'

export const session = reactive({ me: null as Me | null, checked: false, unread: 0, mustChangePassword: false })

export async function refreshMe(): Promise<Me | null> {
  try {
    session.me = await call(api.GET('/api/v1/me'))
    // a password someone else set: the gateway allows nothing but its change (403 password.change_required)
    session.mustChangePassword = Boolean(session.me?.must_change_password)
  } catch {
    session.me = null
  }
  session.checked = true
  return session.me
}

export async function signOut(): Promise<void> {
  try { await call(api.DELETE('/api/v1/session')) } catch { /* already gone */ }
  holdToken('')
  session.me = null
  session.unread = 0
}

export async function refreshUnread(): Promise<void> {
  if (!session.me || !['enterprise', 'reviewer', 'admin'].includes(session.me.role)) return
  try {
    const answer = await call(api.GET('/api/v1/inbox/unread', {}))
    session.unread = (answer as { unread: number }).unread
  } catch { /* shown elsewhere */ }
}

export function homeOf(role: string | undefined): string {
  if (role === 'enterprise') return '/apply'
  if (role === 'reviewer') return '/review'
  if (role === 'admin') return '/admin'
  if (role === 'audit_admin') return '/admin/audit'
  return '/'
}
