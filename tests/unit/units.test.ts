// The UI's numbers with units, in both languages, through Intl.
import { describe, expect, it } from 'vitest'
import { unitsFor } from '../../src-renderer/shared/composables/units'

const en = unitsFor('en')
const zh = unitsFor('zh')

describe('units', () => {
  it('durations: precise while short, minutes and hours when long, in each language', () => {
    expect(en.duration(400_000)).toBe('0.4s')
    expect(en.duration(245_000_000)).toBe('4m 05s')
    expect(en.duration(7_380_000_000)).toBe('2h 03m')
    expect(zh.duration(400_000)).toBe('0.4秒')
    expect(zh.duration(245_000_000)).toBe('4分钟05秒')
    expect(zh.duration(7_380_000_000)).toBe('2小时03分钟')
    expect(en.duration(-5)).toBe('0.0s')
  })

  it('waits and holds from microseconds to minutes', () => {
    expect(en.micros(50)).toBe('0.05ms')
    expect(en.micros(3_200)).toBe('3.2ms')
    expect(en.micros(120_400)).toBe('120ms')
    expect(en.micros(2_500_000)).toBe('2.50s')
    expect(en.micros(61_000_000)).toBe('1m 01s')
    expect(zh.micros(120_400)).toMatch(/^120\s?(ms|毫秒)$/)
    expect(zh.micros(2_500_000)).toBe('2.50秒')
  })

  it('uptime, seconds with fixed decimals, sizes, percentages and counts', () => {
    expect(en.uptime(45)).toBe('45s')
    expect(en.uptime(12 * 60 + 5)).toBe('12m')
    expect(en.uptime(3 * 3600 + 5 * 60)).toBe('3h 05m')
    expect(en.uptime(4 * 86400 + 2 * 3600)).toBe('4d 02h')
    expect(zh.uptime(4 * 86400 + 2 * 3600)).toBe('4天02小时')
    expect(en.seconds(1.5, 3)).toBe('1.500s')
    expect(zh.seconds(1.5, 0)).toBe('2秒')
    expect(en.bytes(512)).toBe('512 B')
    expect(en.bytes(1536)).toBe('1.5 KiB')
    expect(en.bytes(12 * 1024 * 1024)).toBe('12 MiB')
    expect(en.bytes(5 * 1024 ** 5)).toBe('5,120 TiB')
    expect(en.percent(12.34)).toBe('12%')
    expect(en.percent(2.34)).toBe('2.3%')
    expect(en.count(1234567)).toBe('1,234,567')
    expect(zh.count(1234567)).toBe('1,234,567')
  })
})
