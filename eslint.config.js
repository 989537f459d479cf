// Lint: correctness rules only (formatting is Prettier's job), plus the layering of docs/ARCHITECTURE.md:
// only src/main/electron and src/main/index.ts import electron; only src/main/sim/mujoco.ts imports the MuJoCo
// bindings; the page imports neither Node nor src/main.
import js from '@eslint/js'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const electron = {
  name: 'electron',
  message:
    'Only src/main/electron (and src/main/index.ts, src/preload) may import electron: keep services runnable in plain Node.',
}
const mujoco = {
  name: '@mujoco/mujoco',
  message: 'Only src/main/sim/mujoco.ts touches the MuJoCo bindings; use its adapter.',
}

/** no-restricted-imports for a set of names (the rule's options replace each other, so each area lists all). */
function restrict(paths, patterns = []) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] }
}

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'coverage/**',
      'artifacts/**',
      'reports/**',
      'test-results/**',
      '.tmp/**',
      'node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // 'essential' holds Vue's correctness rules without the formatting ones that would fight Prettier.
  ...vue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
      'prefer-const': 'error',
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Multi-word names are the style guide's rule, but App.vue (the root) is the conventional exception.
      'vue/multi-word-component-names': ['error', { ignores: ['App'] }],
      ...restrict(
        [electron, mujoco],
        [
          { group: ['node:*'], message: 'The page runs in a browser: no Node modules.' },
          {
            group: ['**/main/**', '**/preload/**'],
            message: 'The page talks to main only through the API contract (src/shared).',
          },
        ],
      ),
    },
  },
  {
    files: ['src/main/**', 'src/shared/**', 'test/**', 'scripts/**'],
    ignores: ['src/main/electron/**', 'src/main/index.ts', 'src/main/sim/mujoco.ts'],
    rules: restrict([electron, mujoco]),
  },
  {
    files: ['src/main/electron/**', 'src/main/index.ts', 'src/preload/**'],
    rules: restrict([mujoco]),
  },
  {
    files: ['src/main/sim/mujoco.ts'],
    rules: restrict([electron]),
  },
  {
    // The foundation's tests stub electron to check the preload and the IPC registration without a binary.
    files: ['test/unit/foundation/**'],
    rules: restrict([mujoco]),
  },
)
