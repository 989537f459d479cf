#!/usr/bin/env node
// The `iwb` command. The workbench's Node code is TypeScript run through tsx (a dependency), so `npx iwb` works
// right after `npm ci` without a build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main/cli/main.ts')
const code = await main(process.argv.slice(2))
process.exitCode = code
// Let stdout drain, then exit even if a library left a handle open (a worker pool, a timer).
setTimeout(() => process.exit(code), 2000).unref()
