// Lint: correctness rules only (formatting is Prettier's job), plus the layering of docs/ARCHITECTURE.md, folder
// by folder: what each folder of src/main may import from the others (the table `layers` below), that src/shared
// imports nothing but zod, and that only src/main/electron and src/main/index.ts import electron, only
// src/main/sim/mujoco.ts the MuJoCo bindings, only src/main/learn tfjs, only src/main/store better-sqlite3 and only
// src/main/session the study queue's bullmq and ioredis; the page imports neither Node nor src/main.
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

const playwright = {
  name: 'playwright-core',
  message:
    'Only src/main/frames drives a browser (dataset images); plots are rendered with @resvg/resvg-js, never a browser.',
}
const tfjs = {
  name: '@tensorflow/tfjs',
  message: 'Only src/main/learn uses tfjs (src/main/learn/backend.ts loads it).',
}
const sqlite = {
  name: 'better-sqlite3',
  message: 'Only src/main/store opens the SQLite file; go through its Workspace.',
}
const queueLibs = ['bullmq', 'ioredis'].map((name) => ({
  name,
  message:
    'Only src/main/session (queue.ts) talks to the study queue in Redis; go through runSweep or startQueueWorker.',
}))

// The folders of src/main and what each may import of the others (docs/ARCHITECTURE.md). Every folder may also
// import itself, src/shared and src/main/workers.ts. `session` is the single session host (learn + store).
const MAIN = ['sim', 'experts', 'learn', 'store', 'session', 'api', 'server', 'electron', 'cli', 'bench', 'frames']
const layers = {
  sim: [],
  experts: ['sim'],
  learn: ['sim', 'experts'],
  // plus the SessionLog types of learn/session-log.ts, which the store implements (storeSessionLog below)
  store: [],
  session: ['sim', 'experts', 'learn', 'store'],
  api: ['sim', 'experts', 'learn', 'store', 'session'],
  // plus the store's types (server below)
  server: ['api'],
  bench: ['sim', 'experts', 'learn', 'store', 'session', 'api', 'frames'],
  // dataset images: the page's scene in a headless Chromium (playwright-core), poses from the sim, for the store
  frames: ['sim', 'store'],
  electron: ['sim', 'experts', 'learn', 'store', 'session', 'api', 'server'],
  cli: MAIN.filter((f) => f !== 'electron' && f !== 'cli'),
}

// no-restricted-imports matches the import's text, not the resolved file, so the patterns count the `../`: from
// a file `depth` folders below src/main/<folder> (0: directly in it), src/main is `depth + 1` levels up.
const up = (depth) => '\\.\\./'.repeat(depth + 1)

/** Relative imports, from `depth` below a folder of src/main, that reach the src/main folders `names`. */
function reaching(names, depth, message, alsoSrc = ['preload', 'renderer']) {
  const n = names.join('|')
  const src = alsoSrc.length ? `|${up(depth + 1)}(${alsoSrc.join('|')})` : ''
  return { regex: `^(${up(depth)}(${n})|${up(depth + 1)}main/(${n})${src})(/|$)`, message }
}

/** The import patterns that keep a file `depth` folders below src/main/<folder> in its layer. */
function layerPatterns(folder, depth) {
  const allowed = layers[folder]
  // The store's learn and the server's store imports have their own patterns below.
  const special = { store: 'learn', server: 'store' }[folder]
  const forbidden = MAIN.filter((f) => f !== folder && f !== special && !allowed.includes(f))
  const also = { store: 'the types of src/main/learn/session-log.ts', server: 'the types of src/main/store' }[folder]
  const may = [
    ...allowed.map((f) => `src/main/${f}`),
    'src/shared',
    'src/main/workers.ts',
    ...(also ? [also] : []),
  ].join(', ')
  const patterns = [
    reaching(forbidden, depth, `src/main/${folder} may import only ${may} (docs/ARCHITECTURE.md).`),
    {
      regex: `^(\\.\\./){${depth + 3},}`,
      message: 'src/main imports nothing outside src (the benchmarks are src/main/bench).',
    },
  ]
  if (folder === 'store') {
    // The store implements learn's SessionLog: its types, and nothing else of learn.
    const only =
      'src/main/store may import only the types of src/main/learn/session-log.ts (the SessionLog it implements).'
    patterns.push(reaching(['learn(?!/session-log$)'], depth, only, []), {
      ...reaching(['learn/session-log'], depth, only, []),
      allowTypeImports: true,
    })
  }
  if (folder === 'server') {
    const only = 'src/main/server may import only the types of src/main/store.'
    patterns.push({ ...reaching(['store'], depth, only, []), allowTypeImports: true })
  }
  return patterns
}

/** The packages src/main/<folder> may not import. */
function layerPaths(folder) {
  return [
    ...(folder === 'electron' ? [] : [electron]),
    mujoco,
    ...(folder === 'frames' ? [] : [playwright]),
    ...(folder === 'learn' ? [] : [tfjs]),
    ...(folder === 'store' ? [] : [sqlite]),
    ...(folder === 'session' ? [] : queueLibs),
  ]
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
    // Type-aware rules for promises: a promise nobody awaits loses its rejection, and one passed where a plain
    // callback is expected runs unawaited. The project service types each file with its nearest tsconfig.
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
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
    files: ['test/**', 'scripts/**'],
    rules: restrict([electron, mujoco]),
  },
  {
    // The electron and preload tests stub electron to check the window, the IPC registration and the preload
    // without a binary.
    files: ['test/unit/electron/**', 'test/unit/preload/**'],
    rules: restrict([mujoco]),
  },
  {
    files: ['src/shared/**'],
    rules: restrict(
      [],
      [
        {
          regex: '^(?!zod$|\\.{1,2}/)',
          message: 'src/shared imports nothing but zod: main, preload and the page all load it.',
        },
        {
          // src/shared/plot may import ../stats; nothing may leave src/shared.
          group: ['../../**', '../main/**', '../renderer/**', '../preload/**'],
          message: 'src/shared imports nothing outside src/shared.',
        },
      ],
    ),
  },
  {
    files: ['src/preload/**'],
    rules: restrict(
      [mujoco],
      [{ regex: '^\\.\\./(main|renderer)(/|$)', message: 'src/preload may import only electron and src/shared.' }],
    ),
  },
  {
    files: ['src/main/index.ts'],
    rules: restrict(
      [mujoco, tfjs, sqlite],
      [
        {
          regex: `^\\./(${MAIN.filter((f) => f !== 'electron').join('|')})(/|$)`,
          message: 'src/main/index.ts only starts src/main/electron.',
        },
      ],
    ),
  },
  {
    files: ['src/main/workers.ts'],
    rules: restrict(
      [electron, mujoco, tfjs, sqlite],
      [{ regex: `^\\./(${MAIN.join('|')})(/|$)`, message: 'src/main/workers.ts imports no folder of src/main.' }],
    ),
  },
  // One block per folder and depth (src/main/<folder>/*, then */*, ...; the last depth takes everything deeper).
  ...Object.keys(layers).flatMap((folder) =>
    [0, 1, 2, 3].map((depth) => ({
      files: [`src/main/${folder}/${'*/'.repeat(depth)}${depth === 3 ? '**' : '*'}`],
      rules: restrict(layerPaths(folder), layerPatterns(folder, depth)),
    })),
  ),
  {
    files: ['src/main/sim/mujoco.ts'],
    rules: restrict([electron, tfjs, sqlite], layerPatterns('sim', 0)),
  },
  {
    // The algorithms, oracles and trainer sit below the runners that drive them (session-runner, headless, sweep).
    files: ['src/main/learn/*'],
    ignores: ['src/main/learn/session-runner.ts', 'src/main/learn/headless.ts', 'src/main/learn/sweep*.ts'],
    rules: restrict(layerPaths('learn'), [
      ...layerPatterns('learn', 0),
      {
        regex: '^\\./(session-runner|headless|sweep|sweep-worker)$',
        message: 'Only the runners import a runner; share code through a lower module such as ./algorithm.',
      },
    ]),
  },
  // The algorithms' folders (src/main/learn/algorithms/<id>) and their registry likewise import no runner.
  ...[1, 2].map((depth) => ({
    files: [`src/main/learn/algorithms/${'*/'.repeat(depth - 1)}*`],
    rules: restrict(layerPaths('learn'), [
      ...layerPatterns('learn', depth),
      {
        regex: `^(\\.\\./){${depth}}(session-runner|headless|sweep|sweep-worker)$`,
        message: 'Algorithms import no runner; share code through a lower module such as ../algorithm.',
      },
    ]),
  })),
  {
    // Services are composed by src/main/api/compose.ts; they get their context from service-types.ts.
    files: ['src/main/api/services/*'],
    rules: restrict(layerPaths('api'), [
      ...layerPatterns('api', 1),
      { regex: '^\\.\\./compose$', message: 'Services do not import the composition root; use ../service-types.' },
    ]),
  },
)
