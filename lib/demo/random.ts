// The demo draws from the same seeded generator as the engine (mulberry32): same seed, same corpus,
// same labels.
export { Rng as DemoRng } from "../random.ts";
