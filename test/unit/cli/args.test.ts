// Command-line flags: parseCommandArgs (node:util parseArgs + a zod schema) and, through `iwb`, every command's
// answer to an unknown flag, a non-number and an out-of-range number: one line naming the flag, usage, exit 2.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { flag, MAX_SEED, parseCommandArgs, type ArgsSpec } from '../../../src/main/cli/args'
import { UsageError } from '../../../src/main/cli/command'
import { main } from '../../../src/main/cli/main'
import { capture } from './capture'

const spec = {
  options: {
    task: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string' },
    ratio: { type: 'string' },
    loss: { type: 'string' },
    session: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  schema: z.object({
    task: flag.task(),
    budget: flag.int(1, 1_000_000).default(1000),
    seed: flag.int(0, MAX_SEED).default(0),
    ratio: flag.number(0.01, 100).optional(),
    loss: flag.oneOf(['nll', 'mse']).default('nll'),
    session: z.array(flag.int(1, 1000)).default([]),
    json: z.boolean().default(false),
  }),
} satisfies ArgsSpec<z.ZodType>

const parse = (argv: string[]) => parseCommandArgs(argv, spec).values
const message = (argv: string[]): string => {
  try {
    parse(argv)
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return (e as Error).message
  }
  throw new Error(`accepted ${argv.join(' ')}`)
}

describe('parseCommandArgs', () => {
  it('turns flags into typed values with defaults', () => {
    expect(parse(['--task', 'hopper'])).toEqual({
      task: 'hopper',
      budget: 1000,
      seed: 0,
      loss: 'nll',
      session: [],
      json: false,
    })
    expect(
      parse(['--task=ant', '--budget', '1e3', '--seed', '7', '--ratio', '0.5', '--loss', 'mse', '--json']),
    ).toMatchObject({ task: 'ant', budget: 1000, seed: 7, ratio: 0.5, loss: 'mse', json: true })
    expect(parse(['--task', 'hopper', '--session', '2', '--session=5']).session).toEqual([2, 5])
  })

  it('names the flag, what it expected and what it got, on one line', () => {
    expect(message(['--task', 'hopper', '--budget', 'abc'])).toBe(
      "--budget must be a whole number between 1 and 1000000, got 'abc'",
    )
    expect(message(['--task', 'hopper', '--budget', '0'])).toMatch(/^--budget must be .* got '0'$/)
    expect(message(['--task', 'hopper', '--budget', '2.5'])).toMatch(/^--budget must be a whole number/)
    expect(message(['--task', 'hopper', '--seed', '1e300'])).toBe(
      `--seed must be a whole number between 0 and ${MAX_SEED}, got '1e300'`,
    )
    expect(message(['--task', 'hopper', '--seed', '-1'])).toMatch(/^--seed must be .* got '-1'$/)
    expect(message(['--task', 'hopper', '--ratio', '1e-300'])).toBe(
      "--ratio must be a number between 0.01 and 100, got '1e-300'",
    )
    for (const text of ['', '0x10', 'Infinity', 'NaN', ' 3'])
      expect(message(['--task', 'hopper', `--ratio=${text}`])).toMatch(/^--ratio must be a number between/)
    expect(message(['--task', 'hopper', '--loss', 'l1'])).toBe("--loss must be one of nll, mse, got 'l1'")
    expect(message(['--task', 'nope'])).toMatch(/^--task must be one of hopper, .*, got 'nope'$/)
    expect(message(['--task', 'hopper', '--session', '3', '--session', 'x'])).toMatch(/^--session .* got 'x'$/)
  })

  it('refuses unknown options, missing values, values on switches and stray positionals', () => {
    expect(message(['--task', 'hopper', '--bogus'])).toBe("unknown option '--bogus'")
    expect(message(['--task', 'hopper', '-x'])).toBe("unknown option '-x'")
    expect(message(['--task', 'hopper', '--constructor'])).toBe("unknown option '--constructor'")
    expect(message([])).toBe('--task is required')
    expect(message(['--task'])).toBe('--task needs a value')
    expect(message(['--task', '--json'])).toBe('--task needs a value')
    expect(message(['--task', 'hopper', '--json=yes'])).toBe('--json takes no value')
    expect(message(['--task', 'hopper', 'extra'])).toBe("unexpected argument 'extra'")
    expect(message(['--task', 'hopper', '--', '--json'])).toBe("unexpected argument '--json'")
    for (const m of [message(['--budget', 'x']), message(['--task', 'hopper', '--seed', '1\n2'])])
      expect(m).not.toContain('\n')
  })

  it('takes as many positionals as declared, and rules across flags in their own words', () => {
    const two = {
      options: { json: { type: 'boolean' } },
      schema: z.object({ json: z.boolean() }),
      positionals: 2,
    } as const
    expect(parseCommandArgs(['check', '--json', 'a.db'], two)).toEqual({
      values: { json: true },
      positionals: ['check', 'a.db'],
    })
    expect(() => parseCommandArgs(['a', 'b', 'c'], two)).toThrow("unexpected argument 'c'")
    const cross = {
      options: { db: { type: 'string' }, 'report-only': { type: 'boolean' } },
      schema: z
        .object({ db: flag.text().optional(), 'report-only': z.boolean().default(false) })
        .refine((v) => !v['report-only'] || v.db, { message: '--report-only reads the sessions stored in --db FILE' }),
    } as const
    expect(() => parseCommandArgs(['--report-only'], cross)).toThrow(/^--report-only reads the sessions stored/)
  })

  it('flag.parsed turns a parser error into what was expected; bounds must be finite', () => {
    const algo = flag.parsed((s) => {
      if (s !== 'bc' && s !== 'stagger') throw new RangeError(`unknown algorithm '${s}'`)
      return { algo: s }
    }, 'bc or stagger')
    const s = {
      options: { algo: { type: 'string' } },
      schema: z.object({ algo: algo.default({ algo: 'stagger' }) }),
    } as const
    expect(parseCommandArgs(['--algo', 'bc'], s).values.algo).toEqual({ algo: 'bc' })
    expect(parseCommandArgs([], s).values.algo).toEqual({ algo: 'stagger' })
    expect(() => parseCommandArgs(['--algo', 'ppo'], s)).toThrow("--algo must be bc or stagger, got 'ppo'")
    expect(() => flag.int(0, Infinity)).toThrow(/bounds/)
    expect(() => flag.number(2, 1)).toThrow(/bounds/)
  })

  it('flag.list checks each comma-separated item and quotes the bad one alone', () => {
    const s = {
      options: { ratios: { type: 'string' } },
      schema: z.object({ ratios: flag.list(flag.number(1, 10), 3).prefault('1,2') }),
    } as const
    expect(parseCommandArgs(['--ratios', '2,,5'], s).values.ratios).toEqual([2, 5])
    expect(parseCommandArgs([], s).values.ratios).toEqual([1, 2])
    expect(() => parseCommandArgs(['--ratios', '2,50,5'], s)).toThrow(
      "--ratios must be a number between 1 and 10, got '50'",
    )
    expect(() => parseCommandArgs(['--ratios', '1,2,3,4'], s)).toThrow('--ratios takes at most 3 items')
    expect(() => parseCommandArgs(['--ratios', ','], s)).toThrow('--ratios needs at least one item')
  })
})

/** `iwb ARGV` exits 2 with exactly one error line (matching `line`) and then the usage. */
async function usageError(argv: string[], line: RegExp): Promise<void> {
  const io = capture()
  expect(await main(argv, io), argv.join(' ')).toBe(2)
  expect(io.stdout).toEqual([])
  const [first, ...usage] = io.stderr.join('\n').split('\n')
  // iwb bench sim: names the sub-command too
  const name =
    argv[0] === 'bench' && ['sim', 'learn', 'store', 'query', 'queue', 'frames'].includes(argv[1])
      ? `bench ${argv[1]}`
      : argv[0]
  expect(first).toMatch(new RegExp(`^iwb ${name}: `))
  expect(first).toMatch(line)
  expect(usage[0]).toMatch(/^usage: iwb /)
}

describe('iwb commands refuse bad flags with one line and exit 2', () => {
  it('an unknown flag', async () => {
    const cases = [
      ['tasks'],
      ['version'],
      ['serve'],
      ['expert', 'eval', '--task', 'hopper'],
      ['expert', 'train', '--task', 'hopper'],
      ['db', 'check', 'x.db'],
      ['export', '--db', 'x.db', '--out', 'd'],
      ['import', '--db', 'x.db', '--from', 'd'],
      ['bench', 'sim'],
      ['bench', 'learn'],
      ['bench', 'store'],
      ['bench', 'query'],
      ['bench', 'queue'],
      ['bench', 'frames'],
      ['worker', '--queue', 'redis://h'],
    ]
    for (const argv of cases) await usageError([...argv, '--bogus'], /unknown option '--bogus'$/)
  })

  it('a non-number', async () => {
    const cases: [string[], string][] = [
      [['serve', '--port'], 'port'],
      [['expert', 'eval', '--task', 'hopper', '--episodes'], 'episodes'],
      [['expert', 'train', '--task', 'hopper', '--step-size'], 'step-size'],
      [['export', '--db', 'x.db', '--out', 'd', '--session'], 'session'],
      [['bench', 'sim', '--steps'], 'steps'],
      [['bench', 'learn', '--labels'], 'labels'],
      [['bench', 'store', '--record'], 'record'],
      [['bench', 'query', '--think-ms'], 'think-ms'],
      [['bench', 'queue', '--sessions'], 'sessions'],
      [['bench', 'frames', '--side'], 'side'],
      [['worker', '--queue', 'redis://h', '--concurrency'], 'concurrency'],
    ]
    for (const [argv, name] of cases)
      await usageError([...argv, 'abc'], new RegExp(`--${name} must be a (whole )?number between .*, got 'abc'$`))
  })

  it('an out-of-range number', async () => {
    const cases: [string[], string][] = [
      [['serve', '--port', '70000'], "--port must be a whole number between 0 and 65535, got '70000'"],
      [
        ['expert', 'eval', '--task', 'hopper', '--seed', '1e300'],
        `--seed must be a whole number between 0 and ${MAX_SEED}`,
      ],
      [['expert', 'train', '--task', 'hopper', '--noise', '1e-300'], '--noise must be a number between'],
      [['export', '--db', 'x.db', '--out', 'd', '--session', '0'], '--session must be a whole number between 1'],
      [['bench', 'store', '--steps', '10'], '--steps must be a whole number between 1000 and 100000000'],
      [['bench', 'learn', '--eval-episodes', '0'], '--eval-episodes must be a whole number between 1 and 1000'],
      [['bench', 'query', '--queries', '1e9'], '--queries must be a whole number between 1 and 100000'],
      [
        ['worker', '--queue', 'redis://h', '--concurrency', '17'],
        '--concurrency must be a whole number between 1 and 16',
      ],
      [
        ['worker', '--queue', 'redis://h', '--lock-seconds', '1'],
        '--lock-seconds must be a whole number between 2 and 600',
      ],
    ]
    for (const [argv, text] of cases) await usageError(argv, new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  })

  it("an operator's name the store would not keep, on every command that takes one", async () => {
    const long = 'o'.repeat(101)
    for (const argv of [
      ['cost', '--db', 'x.db'],
      ['person', '--db', 'x.db', '--task', 'hopper'],
      ['run', '--task', 'hopper', '--algo', 'bc'],
    ]) {
      await usageError([...argv, '--operator', long], /--operator:? too long \(at most 100 characters\)/)
      await usageError([...argv, '--operator', ''], /--operator:? needs a value/)
    }
  })

  it('help shows a sub-command its own usage; --help after -- is an argument', async () => {
    const io = capture()
    expect(await main(['bench', 'store', '--help'], io)).toBe(0)
    expect(io.stdout).toEqual(['iwb bench store [--steps N] [--record N] [--json]'])
    await usageError(['bench', 'store', '--steps', 'x'], /--steps/)
    const bad = capture()
    expect(await main(['bench', 'store', '--steps', 'x'], bad)).toBe(2)
    expect(bad.stderr[1]).toBe('usage: iwb bench store [--steps N] [--record N] [--json]')
    await usageError(['tasks', '--', '--help'], /unexpected argument '--help'$/)
    await usageError(['bench', 'constructor'], /which benchmark\? one of sim, learn, store, query, queue, frames, all$/)
  })

  it('a queue URL that is not redis:// or rediss://, without repeating its password', async () => {
    const line = /^iwb \S+: --queue: queue URL http:\/\/:\*\*\*@h\/ must be a redis:\/\/ or rediss:\/\/ URL/
    await usageError(['worker', '--queue', 'http://:pw@h'], line)
    await usageError(['compare', '--task', 'cartpole', '--report', 'r', '--queue', 'http://:pw@h'], line)
    await usageError(['worker', '--queue', 'redis://:pw@'], /queue URL \(not a URL\) must be/)
  })
})
