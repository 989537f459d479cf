// Entry of the bundled CLI (out/cli/iwb.js): the same main() bin/iwb.js runs through tsx.
import { main } from '../src/main/cli/main'

const code = await main(process.argv.slice(2))
process.exitCode = code
setTimeout(() => process.exit(code), 2000).unref()
