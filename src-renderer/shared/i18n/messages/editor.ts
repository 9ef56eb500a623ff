import type { AreaMessages } from '../types'

// The Lab view's script editor (issue 17, editor). API names, file names and key names stay as
// they are spelled in code, in both languages.
export const messages: AreaMessages = {
  en: {
    toggle: 'Script editor',
    toggleHint: 'Write a lab script of your own, or change a scenario, and run it',
    heading: 'Script editor',
    close: 'Close the editor',
    label: 'Lab script: {name}',
    open: {
      label: 'Start from',
      button: 'Open',
      templates: 'Templates',
      scenarios: 'Built-in scenarios',
      saved: 'Your saved scripts',
      templateJs: 'A process that prints (JavaScript)',
      templateTs: 'A process that prints (TypeScript)',
    },
    name: {
      label: 'File name',
      help: 'Saved in your lab folder. Letters, digits, - and _, ending in .mjs, .js or .ts (TypeScript).',
      invalid: 'Not a file name the lab folder takes: letters, digits, - and _, then .mjs, .js or .ts.',
    },
    save: 'Save',
    run: 'Run',
    runHint: 'Save and run (Ctrl+Enter)',
    help: 'Ctrl+Enter saves and runs, Ctrl+S saves, Ctrl+Space completes a proclab name. Tab indents: to move focus out of the editor, press Esc and then Tab (or Ctrl+M to switch Tab to moving focus).',
    status: {
      saved: 'Saved in your lab folder as {name}.',
      saving: 'Saving…',
      unsaved: 'Not saved yet.',
      saveFailed: 'Could not save {name}: {error}',
      openFailed: 'Could not open it: {error}',
      loading: 'Loading the editor…',
    },
    errors: {
      heading: 'Errors of the last run',
      line: 'Line {line}: {message} ({process})',
      goTo: 'Go to line {line}',
    },
  },
  zh: {
    toggle: '脚本编辑器',
    toggleHint: '自己编写实验脚本，或修改一个场景，然后运行',
    heading: '脚本编辑器',
    close: '关闭编辑器',
    label: '实验脚本：{name}',
    open: {
      label: '起点',
      button: '打开',
      templates: '模板',
      scenarios: '内置场景',
      saved: '你保存的脚本',
      templateJs: '一个打印的进程（JavaScript）',
      templateTs: '一个打印的进程（TypeScript）',
    },
    name: {
      label: '文件名',
      help: '保存在你的实验文件夹中。可用字母、数字、- 和 _，以 .mjs、.js 或 .ts（TypeScript）结尾。',
      invalid: '实验文件夹不接受这个文件名：只能用字母、数字、- 和 _，再加 .mjs、.js 或 .ts。',
    },
    save: '保存',
    run: '运行',
    runHint: '保存并运行（Ctrl+Enter）',
    help: 'Ctrl+Enter 保存并运行，Ctrl+S 保存，Ctrl+Space 补全 proclab 的名字。Tab 用于缩进：要把焦点移出编辑器，先按 Esc 再按 Tab（或按 Ctrl+M 让 Tab 改为移动焦点）。',
    status: {
      saved: '已保存到你的实验文件夹：{name}。',
      saving: '正在保存…',
      unsaved: '尚未保存。',
      saveFailed: '无法保存 {name}：{error}',
      openFailed: '无法打开：{error}',
      loading: '正在加载编辑器…',
    },
    errors: {
      heading: '上次运行的错误',
      line: '第 {line} 行：{message}（{process}）',
      goTo: '跳到第 {line} 行',
    },
  },
}
