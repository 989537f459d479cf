// One operator's answers to a session's queries, when several people answer it: how many and the seconds from
// prompt to commit (the labels' human seconds). The page's figures (queries.operators) and `iwb person` use it.
import { z } from 'zod'

export const OperatorFigure = z.object({
  /** null: answers given without a name */
  operator: z.string().nullable(),
  answered: z.number().int().nonnegative(),
  seconds: z.number().finite().nonnegative(),
})
export type OperatorFigure = z.infer<typeof OperatorFigure>
