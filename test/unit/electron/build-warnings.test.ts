// The build says only what matters (issue 27, item 19): Rollup's notes about zod's comments, several lines each at
// every page build (iwb serve, npm start) and bundle build, buried the line that matters. A real vite build of a
// module that imports zod, with the page's and the bundles' onwarn.
import { describe, expect, it } from 'vitest'
import { build, createLogger, type Plugin, type Rollup } from 'vite'
import config from '../../../electron.vite.config'
import { quietWarnings, rendererConfig } from '../../../vite.page.config'
import { repoRoot } from '../../../src/main/server/page'

type OnWarn = NonNullable<Rollup.InputOptions['onwarn']>

/** The warnings a build of `import { z } from 'zod'` logs with this onwarn (none: Rollup's own handling). */
async function warningsOf(onwarn: OnWarn | undefined): Promise<string[]> {
  const seen: string[] = []
  const logger = createLogger('warn', { allowClearScreen: false })
  logger.warn = (msg) => void seen.push(msg)
  logger.warnOnce = (msg) => void seen.push(msg)
  const entry: Plugin = {
    name: 'entry',
    enforce: 'pre',
    resolveId: (id) => (/(^|\/)zod-entry$/.test(id) ? '\0entry' : null),
    load: (id) => (id === '\0entry' ? "import { z } from 'zod'\nexport const s = z.string().parse('x')\n" : null),
  }
  await build({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    customLogger: logger,
    plugins: [entry],
    build: { write: false, lib: { entry: 'zod-entry', formats: ['es'] }, rollupOptions: { onwarn } },
  })
  return seen
}

describe('build warnings', () => {
  it('zod comments Rollup cannot place are not printed; other warnings are', { timeout: 120_000 }, async () => {
    // without the filter the build does print them (the case this guards)
    expect((await warningsOf(undefined)).join('\n')).toMatch(/zod.*annotation that Rollup cannot interpret/s)
    expect(await warningsOf(quietWarnings)).toEqual([])

    const passed: string[] = []
    quietWarnings({ code: 'CIRCULAR_DEPENDENCY', message: 'a -> b -> a' }, (w) =>
      passed.push(typeof w === 'object' ? w.message : String(w)),
    )
    quietWarnings({ code: 'INVALID_ANNOTATION', message: 'ours', id: `${repoRoot}/src/x.ts` }, (w) =>
      passed.push(typeof w === 'object' ? w.message : String(w)),
    )
    expect(passed).toEqual(['a -> b -> a', 'ours'])
  })

  it('the page build and the desktop bundles use it', () => {
    expect(rendererConfig.build?.rollupOptions?.onwarn).toBe(quietWarnings)
    const c = config as Record<'main' | 'preload', { build: { rollupOptions: { onwarn?: unknown } } }>
    expect(c.main.build.rollupOptions.onwarn).toBe(quietWarnings)
    expect(c.preload.build.rollupOptions.onwarn).toBe(quietWarnings)
  })
})
