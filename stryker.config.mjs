// Mutation testing (`npm run mutate`, never part of `npm test` or CI): StrykerJS 9 (the
// line that runs on Node 20) with its vitest runner. Reports go to reports/mutation/
// (html and json, git-ignored) and the per-file table to the terminal.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'framework/src/**/*.ts',
    'cli/src/**/*.ts',
    // Type-only: interfaces and type aliases, erased at run time, nothing to mutate.
    '!framework/src/types.ts',
    // Barrels: re-exports only, no behaviour of their own.
    '!framework/src/index.ts',
    '!framework/src/extensions/index.ts',
    '!cli/src/index.ts',
    // Message types and message-name constants shared by both ends of roll dev's and
    // roll start's IPC: a mutated name changes both ends alike, so every mutant there
    // is equivalent.
    '!cli/src/dev/protocol.ts',
    '!cli/src/server/start-protocol.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  // Per-test coverage: each mutant runs only the tests that reach it. Code that runs
  // only in the child processes of end-to-end tests (most of cli/src) is reached by
  // none and is reported as "no coverage", not as killed or survived.
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: constant tables, top-level regexes, defaults) run
  // every test for each mutant, with the module reloaded: ~450 of them took an estimated
  // 77% of a ~1.5 h run. They are left out (reported as "ignored", not in the score);
  // `npx stryker run --ignoreStatic false` tests them too.
  ignoreStatic: true,
  // 2 cores, shared with other test runs.
  concurrency: 2,
  // Generous: the server and WebSocket tests wait on real sockets and timers.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // No type checker: the project's TypeScript 7 has no JS API for
  // @stryker-mutator/typescript-checker, so mutants that would not type-check run too.
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Stryker rewrites tsconfig.json's `extends`/`references` that point outside its sandbox
  // with the `typescript` package's JS API, which TypeScript 7 does not have (it fails with
  // "ts.parseConfigFileTextToJson is not a function"). Ours all point inside the repo, so
  // the rewrite has nothing to do: naming no tsconfig file skips it.
  tsconfigFile: '',
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['/bench', '/.ci'],
  cleanTempDir: true,
}
