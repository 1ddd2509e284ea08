// The engine's seeded RNG lives in lib/random.ts (pure, shared with the demo's simulated labelers).
export { Rng } from "../../lib/random.ts";
