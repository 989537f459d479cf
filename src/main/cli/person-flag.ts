// `--oracle expert|person:k=v,...|person:FILE`: who answers a session started from the command line. A file is a
// fitted person model (`iwb person --json` writes one; its `model` field or the model itself), read here once, so
// the session config holds the person's parameters, not a path that may change.
import { readFileSync } from 'node:fs'
import { personModel, personText, parsePersonText, PERSON_LIMITS, type PersonText } from '../../shared/person-model'
import { UsageError } from './command'

/** A person model file is read whole: a bound well above any model (64 dimensions of noise and bias). */
const MAX_FILE_BYTES = 1_000_000

export function oracleFromFlag(text: string): 'expert' | PersonText {
  if (text === 'expert') return 'expert'
  if (text === 'human')
    throw new UsageError('--oracle human: a person answers in the page (iwb serve); here: expert or person:...')
  if (!text.startsWith('person:'))
    throw new UsageError(`--oracle must be expert, person:noise=...,lag=... or person:FILE, got '${text}'`)
  const rest = text.slice('person:'.length)
  try {
    if (rest === '' || rest.includes('=')) return personText(parsePersonText(text))
    return personText(personModel(readModel(rest)))
  } catch (e) {
    throw new UsageError(`--oracle ${(e as Error).message}`)
  }
}

function readModel(file: string): unknown {
  let raw: string
  try {
    const buf = readFileSync(file)
    if (buf.length > MAX_FILE_BYTES) throw new Error(`${file} is larger than ${MAX_FILE_BYTES} bytes`)
    raw = buf.toString('utf8')
  } catch (e) {
    throw new Error(
      `person:${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new Error(`person:${file}: not JSON (iwb person --json writes a model)`)
  }
  // `iwb person --json` prints the measurements with the model beside them
  const model = json && typeof json === 'object' && 'model' in json ? (json as { model: unknown }).model : json
  if (JSON.stringify(model ?? null).length > PERSON_LIMITS.textLength * 4)
    throw new Error(`person:${file}: the model is too large`)
  return model
}
