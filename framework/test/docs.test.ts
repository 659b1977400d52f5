// Every TypeScript example of the framework's docs type-checks against the real API.
// Examples are fragments of one story (`app` made earlier, `expect` from vitest), so a
// prelude declares what they take as given; an example's own imports win over it.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const docs = join(root, 'framework/docs')

const PRELUDE = `import type * as Framework from '@roll/framework'
declare global {
  const app: Framework.Roll
  type Roll = Framework.Roll
  const Roll: typeof Framework.Roll
  type Query = Framework.Query
  const Query: typeof Framework.Query
  const expect: typeof import('vitest').expect
  interface Connection { registerTypes(): void }
  interface PoolOptions { dbname: string }
  const connection: Connection
  function connect(options: PoolOptions): Promise<Connection>
}
export {}
`

let folder: string | undefined
afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true })
})

it('type-checks every ```ts example of framework/docs', async () => {
  // Inside the checkout, so '@roll/framework' resolves as it does for the tests.
  folder = await mkdtemp(join(root, 'framework/.docs-check-'))
  let examples = 0
  for (const doc of (await readdir(docs)).filter((name) => name.endsWith('.md'))) {
    const text = await readFile(join(docs, doc), 'utf8')
    for (const [index, match] of [...text.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
      await writeFile(join(folder, `${doc.replace('.md', '')}-${index + 1}.ts`), `${match[1]}\nexport {}\n`)
      examples++
    }
  }
  await writeFile(join(folder, '_prelude.d.ts'), PRELUDE)
  await writeFile(join(folder, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.base.json',
    compilerOptions: { noEmit: true, noUnusedLocals: false },
    include: ['*.ts'],
  }))
  expect(examples).toBeGreaterThan(15)
  const tsc = join(root, 'node_modules/.bin/tsc')
  const result = await promisify(execFile)(tsc, ['-p', folder]).then(() => '', (error: { stdout: string }) => error.stdout)
  expect(result).toBe('')
})
