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
    // The renderer's layout by feature (src-renderer/README.md): app/ on top, features/ below it, shared/ at the floor.
    {
      name: 'renderer-shared-knows-no-feature',
      comment: 'src-renderer/shared/ is what every feature stands on (transport, i18n, generic components and composables): it imports no feature and not the app shell.',
      severity: 'error',
      from: { path: '^src-renderer/shared/' },
      to: { path: '^src-renderer/(features|app)/' },
    },
    {
      name: 'renderer-features-below-the-shell',
      comment: 'Features never import the app shell (src-renderer/app/): the shell composes the features, not the other way round.',
      severity: 'error',
      from: { path: '^src-renderer/features/' },
      to: { path: '^src-renderer/app/' },
    },
    {
      name: 'renderer-feature-components-are-private',
      comment:
        "Another feature's stores, models and composables may be used; of its Vue components only its entry (a *View.vue or *Panel.vue, e.g. the lab view holds the objects panel). The app shell is exempt: it places the features.",
      severity: 'error',
      from: { path: '^src-renderer/features/([^/]+)/' },
      to: { path: '^src-renderer/features/[^/]+/.+[.]vue$', pathNot: ['^src-renderer/features/$1/', '(View|Panel)[.]vue$'] },
    },
    {
      name: 'renderer-feature-styles-stay-home',
      comment: "A feature's stylesheet is loaded by that feature (or, for the cascade order, by main.ts), never by another feature (shared/ loads none: see above).",
      severity: 'error',
      from: { path: '^src-renderer/features/([^/]+)/' },
      to: { path: '^src-renderer/features/[^/]+/.+[.]css$', pathNot: '^src-renderer/features/$1/' },
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
