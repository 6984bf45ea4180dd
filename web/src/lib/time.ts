// Times are shown in Beijing time (Asia/Shanghai), whatever the browser's zone.
const FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
})

export function beijing(iso: string | undefined | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${FORMAT.format(d).replace(/\//g, '-')}（北京时间）`
}

/** "还剩 3天4小时" / "已截止" between `now` and `due` (ISO strings). */
export function timeLeft(due: string, now: Date): string {
  const ms = new Date(due).getTime() - now.getTime()
  if (Number.isNaN(ms)) return ''
  if (ms <= 0) return '已截止'
  const minutes = Math.floor(ms / 60000)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const mins = minutes % 60
  if (days > 0) return `还剩 ${days}天${hours}小时`
  if (hours > 0) return `还剩 ${hours}小时${mins}分钟`
  return `还剩 ${mins}分钟`
}

// The platform's clock (ZJTX_CLOCK may replay 2020): the offset between the gateway's
// X-ZJTX-Now header and this browser's clock, kept from the latest API answer.
let offsetMs = 0
export function notePlatformNow(header: string | null): void {
  if (!header) return
  const t = new Date(header).getTime()
  if (!Number.isNaN(t)) offsetMs = t - Date.now()
}
export function platformNow(): Date {
  return new Date(Date.now() + offsetMs)
}
