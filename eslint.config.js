// Lint: TypeScript and Vue recommended rules, plus the house rules that only the Electron shell
// and the preload may import electron, and that only src-main/platform asks which OS it runs on.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

const ASK_THE_PLATFORM = 'Ask src-main/platform (platform.signals, platform.lab, platform.dataFolders(), ...) instead: one module per OS, chosen once (DESIGN.md, platform/).'
/** Node's names for operating systems (process.platform's values). */
const OS_NAMES = '/^(aix|android|cygwin|darwin|freebsd|haiku|linux|netbsd|openbsd|sunos|win32)$/'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'test-reports/**', 'playwright-report/**', '.proclab/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src-main/**/*.{ts,mjs}', 'src-preload/**/*.ts', 'tests/**/*.ts', 'bench/**/*.{ts,mjs}', 'scripts/**/*.{mjs,ts}', 'bin/**/*.js', '*.config.{ts,js}', 'electron-builder.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // Playwright fixtures take their dependencies by destructuring, `{}` when there are none.
    files: ['tests/e2e/**/*.ts', 'tests/electron/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  {
    // One module per OS behind one interface, chosen once (src-main/platform/index.ts): nothing else
    // asks which OS it runs on. Tests (skips) and scripts may.
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'src-renderer/**/*.{ts,vue}', 'src-shared/**/*.ts'],
    ignores: ['src-main/platform/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'platform', message: ASK_THE_PLATFORM }],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value=/^(node:)?os$/] > ImportSpecifier[imported.name='platform']", message: ASK_THE_PLATFORM },
        { selector: "CallExpression[callee.object.name='os'][callee.property.name='platform']", message: ASK_THE_PLATFORM },
        { selector: "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name='platform']", message: ASK_THE_PLATFORM },
        { selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=${OS_NAMES}]`, message: `${ASK_THE_PLATFORM} (comparing with an OS's name is asking which OS it is)` },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,vue}', 'src-shared/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src-main/electron and src-preload may import electron (DESIGN.md, rules of the house).' }] }],
    },
  },
)
