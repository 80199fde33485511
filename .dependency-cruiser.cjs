// Import rules for src/: no cycles, no upward imports between layers (scripts/layers.cjs).
// Run: npx depcruise src   (test/unit/layering.test.ts runs the same rules in the suite).
const { layers, leanAdapters, privateAdapters } = require('./scripts/layers.cjs');

const dirs = (folders) => `^src/(${folders.join('|')})/`;
const adapters = layers[0].folders;

const upward = layers.slice(1).map((layer, i) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} may not import a higher layer (${layers.slice(0, i + 1).map((l) => l.name).join(', ')})`,
  severity: 'error',
  from: { path: dirs(layer.folders) },
  to: { path: dirs(layers.slice(0, i + 1).flatMap((l) => l.folders)) },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'an import cycle', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    // Folders too: a policy folder imports the policy interface, the registry imports the policies,
    // so the interface lives in a folder of its own (src/core/policy/).
    { name: 'no-circular-folders', comment: 'two folders that import each other', severity: 'error', scope: 'folder', from: { path: '^src/' }, to: { circular: true } },
    ...upward,
    ...leanAdapters.map((a) => ({
      name: `${a}-loads-no-other-adapter`,
      comment: `src/${a} runs per event: it may not import another adapter`,
      severity: 'error',
      from: { path: dirs([a]) },
      to: { path: dirs(adapters.filter((x) => x !== a)) },
    })),
    ...privateAdapters.map((a) => ({
      name: `${a}-is-imported-by-nothing`,
      comment: `src/${a} is an entry point, not a library`,
      severity: 'error',
      from: { path: '^src/', pathNot: dirs([a]) },
      to: { path: dirs([a]) },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle of types is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.json$' },
  },
};
