// The test run Stryker uses (`npm run mutate`, see stryker.config.mjs): vitest.config.ts
// with only the test files that run framework/src and cli/src code in the test process,
// where Stryker's per-test coverage and its mutants can reach. Left out:
// - test/**: end-to-end tests that spawn the real CLI (cli/dist, framework/dist) in child
//   processes, so they never run a mutant, and the 60 s fuzz test (fuzz.test.ts);
// - cli/test/create-interactive.test.ts: the built `roll create` driven in tmux;
// - framework/test/size.test.ts, layout.test.ts, docs.test.ts: they read or type-check the
//   source text, which in Stryker's sandbox is the instrumented code (size.test.ts fails
//   on it), and run none of it, so they cannot kill a mutant.
import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['framework/test/**/*.test.ts', 'cli/test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      'cli/test/create-interactive.test.ts',
      'framework/test/size.test.ts',
      'framework/test/layout.test.ts',
      'framework/test/docs.test.ts',
    ],
  },
})
