// Next.js runs this in the browser before the app's own code.
import { config } from "zod";

// zod compiles object schemas with `new Function` when it may; to find out, it calls Function("") once,
// which the Content-Security-Policy (no 'unsafe-eval', next.config.js) refuses and reports as a violation.
// Tell it up front to use its interpreted path: same results, no eval attempt.
config({ jitless: true });
