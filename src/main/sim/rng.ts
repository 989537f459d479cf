// The seeded random source lives in src/shared/rng.ts (the statistics shared with the page need it too);
// this re-export keeps the simulation's imports working.
export { createRng, type Rng, type RngState } from '../../shared/rng'
