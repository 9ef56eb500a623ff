// Durations, sizes and percentages in the UI's language, through Intl: English gets 1.2s, 12ms,
// 4m 05s; Chinese gets 1.2秒, 12毫秒, 4分钟05秒. One place for every number with a unit the UI shows,
// so a new view cannot fall back to English units by accident. Pure: the locale is an argument
// (useUnits binds the UI's current one), so the formatting is tested without a browser.

/** The UI's languages (i18n's Locale; repeated here so this module needs no DOM to load). */
export type UnitLocale = 'en' | 'zh'

type TimeUnit = 'day' | 'hour' | 'minute' | 'second' | 'millisecond'

export interface Units {
  /** A span of time in µs: 0.4s, 12.3s, 4m 05s, 2h 03m — precise while short, readable when long. */
  duration(us: number): string
  /** Waits and holds, from microseconds to minutes: 0.05ms, 3.2ms, 120ms, then as `duration`. */
  micros(us: number): string
  /** How long something has been up: 45s, 12m, 3h 05m, 4d 02h. */
  uptime(seconds: number): string
  /** Seconds since a run started, with `digits` decimals (timeline axis, times of day in a run). */
  seconds(seconds: number, digits: number): string
  /** 512 B, 1.5 KiB, 12 MiB (binary units in both languages, as the OS tools show them). */
  bytes(bytes: number): string
  /** 12.3 %, given 12.3. */
  percent(n: number): string
  /** A whole count with the language's grouping. */
  count(n: number): string
}

const INTL_LOCALE: Record<UnitLocale, string> = { en: 'en', zh: 'zh-CN' }
/** Compound durations: "4m 05s" in English, "4分钟05秒" in Chinese (no space between parts). */
const PART_JOINER: Record<UnitLocale, string> = { en: ' ', zh: '' }
const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB']

/** NumberFormat instances are slow to make and the System tab formats thousands of cells. */
const formats = new Map<string, Intl.NumberFormat>()

function numberFormat(locale: UnitLocale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[locale], options)
    formats.set(key, format)
  }
  return format
}

function unit(locale: UnitLocale, name: TimeUnit, value: number, digits = 0, pad = false): string {
  return numberFormat(locale, {
    style: 'unit',
    unit: name,
    unitDisplay: 'narrow',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    minimumIntegerDigits: pad ? 2 : 1,
  }).format(value)
}

/** Two parts, the second zero-padded: 4m 05s, 2h 03m, 4d 02h. */
function pair(locale: UnitLocale, big: TimeUnit, bigValue: number, small: TimeUnit, smallValue: number): string {
  return `${unit(locale, big, bigValue)}${PART_JOINER[locale]}${unit(locale, small, smallValue, 0, true)}`
}

/** Minutes and seconds, or hours and minutes, for a whole number of seconds ≥ 60. */
function minutesOrHours(locale: UnitLocale, wholeSeconds: number): string {
  const h = Math.floor(wholeSeconds / 3600)
  const m = Math.floor(wholeSeconds / 60) % 60
  return h > 0 ? pair(locale, 'hour', h, 'minute', m) : pair(locale, 'minute', m, 'second', wholeSeconds % 60)
}

function makeUnits(locale: UnitLocale): Units {
  return {
    duration(us) {
      const seconds = Math.max(0, us) / 1e6
      if (seconds < 60) return unit(locale, 'second', seconds, 1)
      return minutesOrHours(locale, Math.floor(seconds))
    },
    micros(us) {
      const v = Math.max(0, us)
      if (v < 1_000) return unit(locale, 'millisecond', v / 1_000, 2)
      if (v < 10_000) return unit(locale, 'millisecond', v / 1_000, 1)
      if (v < 1_000_000) return unit(locale, 'millisecond', Math.round(v / 1_000))
      const seconds = v / 1e6
      if (seconds < 60) return unit(locale, 'second', seconds, seconds < 10 ? 2 : 1)
      return minutesOrHours(locale, Math.floor(seconds))
    },
    uptime(seconds) {
      const s = Math.max(0, Math.floor(seconds))
      if (s < 60) return unit(locale, 'second', s)
      const m = Math.floor(s / 60)
      if (m < 60) return unit(locale, 'minute', m)
      const h = Math.floor(m / 60)
      if (h < 24) return pair(locale, 'hour', h, 'minute', m % 60)
      return pair(locale, 'day', Math.floor(h / 24), 'hour', h % 24)
    },
    seconds(seconds, digits) {
      return unit(locale, 'second', seconds, digits)
    },
    bytes(bytes) {
      if (bytes < 1024) return `${numberFormat(locale, {}).format(bytes)} B`
      let value = bytes / 1024
      let index = 0
      while (value >= 1024 && index < BINARY_UNITS.length - 1) {
        value /= 1024
        index++
      }
      const digits = value < 10 ? 1 : 0
      return `${numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)} ${BINARY_UNITS[index]}`
    },
    percent(n) {
      const digits = n < 10 ? 1 : 0
      return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n / 100)
    },
    count(n) {
      return numberFormat(locale, {}).format(n)
    },
  }
}

const byLocale = new Map<UnitLocale, Units>()

/** The formatters of one language (made once each). */
export function unitsFor(locale: UnitLocale): Units {
  let units = byLocale.get(locale)
  if (!units) {
    units = makeUnits(locale)
    byLocale.set(locale, units)
  }
  return units
}
