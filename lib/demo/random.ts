// The demo draws from the same seeded generator as the engine (mulberry32): same seed, same corpus,
// same labels.
import crypto from "node:crypto";
import { Rng } from "../random.ts";

export { Rng as DemoRng };

/**
 * A generator of its own for one decision, derived from the demo's seed and what is being decided (e.g.
 * "ranking" and the prompt's text): the first 32 bits of SHA-256 over the parts. The simulated labelers
 * draw each label from one, so a seed gives the same labels whichever labeler claims a task and in
 * whatever order their concurrent HTTP requests interleave (one shared generator made the labels depend
 * on that order).
 */
export function derivedRng(seed: number, ...parts: string[]): Rng {
  const h = crypto.createHash("sha256").update(JSON.stringify([seed, ...parts])).digest();
  return new Rng(h.readUInt32LE(0));
}
