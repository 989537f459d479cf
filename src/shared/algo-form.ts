// The page's inputs for an algorithm's parameters, read from its descriptor's zod schema (algorithms.ts) the way
// policy-form.ts reads a policy class's: a new algorithm's parameters show up in the Sessions form unchanged.
import { ALGORITHMS, algorithm, paramsSchema, parseAlgoParams } from './algorithms'
import { schemaFields, valuesFromTexts, type PolicyField } from './policy-form'

/** The inputs of an algorithm's parameters (none for an algorithm that takes none). */
export function algoFields(id: string): PolicyField[] {
  return schemaFields(paramsSchema(algorithm(id)))
}

/** Every algorithm's form text with its defaults: what a new form starts from. */
export function defaultAlgoTexts(): Record<string, Record<string, string>> {
  return Object.fromEntries(
    ALGORITHMS.map((a) => [a.id, Object.fromEntries(algoFields(a.id).map((f) => [f.key, f.defaultText]))]),
  )
}

/** The form's text for algorithm `id` as its parameters, checked by its schema; one line naming the parameter. */
export function algoParamsFromTexts(id: string, texts: Readonly<Record<string, string>>): Record<string, unknown> {
  let values: Record<string, unknown>
  try {
    values = valuesFromTexts(algoFields(id), texts)
  } catch (err) {
    throw new RangeError(`${id}: ${(err as Error).message}`)
  }
  return parseAlgoParams(id, values)
}
