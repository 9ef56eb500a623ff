// The output pane's reading of ANSI escape codes: colours kept as classes, the rest dropped.
import { describe, expect, it } from 'vitest'
import { parseAnsi } from '../../src-renderer/features/lab/ansi'

const ESC = '\u001b'

describe('parseAnsi', () => {
  it('leaves a line without escapes alone', () => {
    expect(parseAnsi('plain 小黑')).toEqual({ text: 'plain 小黑', runs: null })
  })

  it('keeps the 16 foreground colours, bold, italic and underline as runs', () => {
    const line = `${ESC}[32mok${ESC}[0m then ${ESC}[1;91mloud${ESC}[22m red${ESC}[39m ${ESC}[3;4mit${ESC}[m`
    expect(parseAnsi(line)).toEqual({
      text: 'ok then loud red it',
      runs: [
        { text: 'ok', cls: 'ansi-2' },
        { text: ' then ', cls: '' },
        { text: 'loud', cls: 'ansi-9 ansi-bold' },
        { text: ' red', cls: 'ansi-9' },
        { text: ' ', cls: '' },
        { text: 'it', cls: 'ansi-italic ansi-underline' },
      ],
    })
  })

  it('takes 38;5;n for the base colours and skips 256-colour, true-colour and background codes whole', () => {
    expect(parseAnsi(`${ESC}[38;5;4mblue${ESC}[38;5;200m still blue${ESC}[38;2;1;2;3m${ESC}[48;5;1m${ESC}[42m same`).runs).toEqual([{ text: 'blue still blue same', cls: 'ansi-4' }])
  })

  it('drops cursor moves and titles, and a line of only those is unstyled', () => {
    expect(parseAnsi(`${ESC}[2K${ESC}[1Gprogress ${ESC}]0;title${'\u0007'}50%`)).toEqual({ text: 'progress 50%', runs: null })
  })
})
