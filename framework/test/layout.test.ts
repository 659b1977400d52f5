// How the core's modules depend on each other: inward only (never on extensions or the
// test clients), and without a cycle, so each file can be read after the ones it imports.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))
const files = (readdirSync(SRC, { recursive: true }) as string[]).map((file) => file.split(sep).join('/')).filter((file) => file.endsWith('.ts'))
const isCore = (file: string) => !file.startsWith('extensions/') && !/(^|\/)testing[^/]*$/.test(file)

/** The project files `file` imports at run time (`import type` and `type`-only specifiers are erased). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(join(SRC, file), 'utf8')
  const found: string[] = []
  for (const [, clause, target] of source.matchAll(/^(?:import|export)\s+([^'"]*?)\s*from\s+'(\.[^']+)'/gm)) {
    if (/^type\s/.test(clause)) continue
    const names = /\{([^}]*)\}/.exec(clause)?.[1]
    if (names !== undefined && !/^(import|export)\s*\*/.test(clause) && names.split(',').every((name) => /^\s*(type\s|$)/.test(name))) continue
    found.push(normalize(join(dirname(file), target.replace(/\.js$/, '.ts'))).split(sep).join('/'))
  }
  return found
}

test('the core imports neither extensions nor the test clients', () => {
  const outward = files.filter(isCore).flatMap((file) => runtimeImports(file).filter((target) => !isCore(target)).map((target) => `${file} → ${target}`))
  expect(outward).toEqual([])
})

test('the modules of framework/src import each other without a cycle', () => {
  const cycles: string[] = []
  const visit = (file: string, path: string[]) => {
    if (path.includes(file)) return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '))
    for (const target of runtimeImports(file)) visit(target, [...path, file])
  }
  for (const file of files) visit(file, [])
  expect([...new Set(cycles)]).toEqual([])
})

test('the import reader sees value imports and skips type-only ones', () => {
  expect(runtimeImports('server.ts')).toEqual(expect.arrayContaining(['errors.ts', 'request.ts', 'websocket.ts', 'wire.ts']))
  expect(runtimeImports('server.ts')).not.toContain('app.ts')
})
