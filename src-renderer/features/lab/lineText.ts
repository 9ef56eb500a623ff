// One output line's text, in the colours its process printed it with (ansi.ts). A functional
// component, with no instance of its own: the output pane patches every line in view at each paint
// under a flood, and most lines are plain text.
import { h, type FunctionalComponent } from 'vue'
import type { PrintedLine } from './runModel'

export const LineText: FunctionalComponent<{ line: PrintedLine }> = ({ line }) =>
  h(
    'span',
    { class: 'text', title: line.text.length > 120 ? line.text : undefined },
    line.styled ? line.styled.map((run) => h('span', { class: run.cls || undefined }, run.text)) : line.text,
  )
LineText.props = ['line']
