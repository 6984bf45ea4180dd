import { describe, expect, it } from 'vitest'
import { beijing, notePlatformNow, platformNow, timeLeft } from './time'

describe('Beijing time and the platform clock', () => {
  it('shows an instant in Beijing time whatever the browser zone', () => {
    expect(beijing('2020-05-15T15:59:59Z')).toBe('2020-05-15 23:59:59（北京时间）')
    expect(beijing('2020-05-15T23:59:59+08:00')).toBe('2020-05-15 23:59:59（北京时间）')
  })
  it('says the time left before a deadline, and 已截止 after it', () => {
    const due = '2020-05-15T23:59:59+08:00'
    expect(timeLeft(due, new Date('2020-05-08T09:00:00+08:00'))).toBe('还剩 7天14小时')
    expect(timeLeft(due, new Date('2020-05-15T22:30:00+08:00'))).toBe('还剩 1小时29分钟')
    expect(timeLeft(due, new Date('2020-05-16T00:00:00+08:00'))).toBe('已截止')
  })
  it('takes "now" from the gateway\'s X-ZJTX-Now, not from the browser clock', () => {
    notePlatformNow('2020-05-08T01:00:00.000Z')
    expect(Math.abs(platformNow().getTime() - Date.parse('2020-05-08T01:00:00Z'))).toBeLessThan(5000)
    notePlatformNow('not a time')
    expect(platformNow().getUTCFullYear()).toBe(2020)
  })
})
