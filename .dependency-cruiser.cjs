// The layer rules of DESIGN.md, checked on every `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-electron-outside-shell',
      comment: 'lab/, monitor/, session/, host/, web/, cli/ and the renderer never import electron; only the shell and the preload do.',
      severity: 'error',
      from: { path: '^src-(main|renderer|shared)/', pathNot: '^src-main/electron/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'core-not-on-transports',
      comment: 'The core layers do not know which transport or UI serves them.',
      severity: 'error',
      from: { path: '^src-main/(lab|monitor|session|host)/' },
      to: { path: '^src-main/(web|electron|cli)/|^src-renderer/|^src-preload/' },
    },
    {
      name: 'lab-stands-alone',
      comment: 'The lab runtime runs inside every lab process: it must not pull in the host, monitor or session code.',
      severity: 'error',
      from: { path: '^src-main/lab/' },
      to: { path: '^src-main/(host|monitor|session|scenarios)/' },
    },
    {
      name: 'platform-is-the-floor',
      comment: 'platform/ (one module per OS) is what every other layer stands on: it imports none of them, so any of them (the lab runtime included) may ask it.',
      severity: 'error',
      from: { path: '^src-main/platform/' },
      to: { path: '^src-main/(lab|monitor|session|host|web|cli|electron|scenarios)/|^src-renderer/|^src-preload/' },
    },
    {
      name: 'platform-stays-light',
      comment:
        'Every lab process loads platform/: no value import of the contract (it loads zod: +60 ms to every lab start, measured), and systeminformation and node:crypto (~5 ms) only by a dynamic import where they are used.',
      severity: 'error',
      from: { path: '^src-main/platform/' },
      to: { path: '^src-shared/contract|node_modules/(zod|systeminformation)/|^(node:)?crypto$', dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
    {
      name: 'renderer-only-through-the-contract',
      comment: 'The renderer talks to the host only through src-shared (the contract); it never imports main-side code.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/|^src-preload/' },
    },
    {
      name: 'shared-is-a-leaf',
      comment: 'src-shared is imported by all three sides, so it imports none of them.',
      severity: 'error',
      from: { path: '^src-shared/' },
      to: { path: '^src-(main|renderer|preload)/' },
    },
    {
      name: 'preload-only-the-contract',
      severity: 'error',
      from: { path: '^src-preload/' },
      to: { path: '^src-(main|renderer)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    exclude: { path: '^out/' },
  },
}
