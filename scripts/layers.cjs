// The layers of src/, top to bottom, and the top-level folders in each. An import may go down or
// stay within a layer, never up, and never round in a cycle (.dependency-cruiser.cjs turns this
// table into rules; test/unit/layering.test.ts runs them and checks every folder is listed once).
//   adapters: carry input in and output out (hook stdin, the MCP server, the CLI, renderings, the public API)
//   core:     decides: the hook event handler, policies and their registry, facts, catch-up, domains
//   ledger:   the event log, projections, migrations, the SQLite drivers
//   runtime:  what everything stands on: paths, logging, files, settings, redaction, transcript and price parsing
module.exports = {
  layers: [
    { name: 'adapters', folders: ['hooks', 'server', 'cli', 'statusline', 'dashboard', 'metrics', 'telemetry', 'team', 'api', 'importer', 'report'] },
    { name: 'core', folders: ['core'] },
    { name: 'ledger', folders: ['ledger'] },
    { name: 'runtime', folders: ['runtime'] },
  ],
  // The command hook starts once per tool call: it may load no other adapter (no CLI, report, MCP server, ...).
  leanAdapters: ['hooks'],
  // Only the CLI itself imports the CLI; only the server imports the server.
  privateAdapters: ['cli', 'server'],
};
