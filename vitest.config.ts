import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (file: string) => fileURLToPath(new URL(`./framework/src/${file}`, import.meta.url))

// Tests import the public package names; they resolve to the TypeScript sources so a
// test run never sees a stale build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@roll\/framework$/, replacement: src('index.ts') },
      { find: /^@roll\/framework\/extensions$/, replacement: src('extensions/index.ts') },
      { find: /^@roll\/framework\/testing$/, replacement: src('testing.ts') },
      { find: /^@roll\/framework\/cluster$/, replacement: src('extensions/pubsub-cluster.ts') },
      { find: /^@roll\/redis$/, replacement: fileURLToPath(new URL('./redis/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['framework/test/**/*.test.ts', 'cli/test/**/*.test.ts', 'redis/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
