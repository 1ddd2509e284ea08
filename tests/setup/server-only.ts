// Stand-in for the `server-only` package outside Next.js (tests, CLI, worker): the real one throws
// unless imported under the react-server condition, which only Next's server bundles set.
export {};
