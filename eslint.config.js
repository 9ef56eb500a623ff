// Lint: TypeScript and Vue recommended rules, plus the house rule that only the Electron shell
// and the preload may import electron.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

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
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,vue}', 'src-shared/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src-main/electron and src-preload may import electron (DESIGN.md, rules of the house).' }] }],
    },
  },
)
