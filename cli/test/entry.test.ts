// resolveEntry: --entry, else "roll.entry" in package.json, else src/app.ts; a CliError when it is missing.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { DEFAULT_ENTRY, resolveEntry } from '../src/entry.js'
import { CliError } from '../src/errors.js'

afterEach(removeTemps)

const hint = 'Create it (it exports `app`), pass --entry <file>, or set "roll": { "entry": "<file>" } in package.json.'

function app(files: Record<string, string>): string {
  const root = tempDir('roll-entry-')
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), content)
  }
  return root
}

function thrown(call: () => unknown): CliError {
  try {
    call()
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error('did not throw')
}

describe('resolveEntry', () => {
  it('defaults to src/app.ts, without a package.json', () => {
    expect(DEFAULT_ENTRY).toBe('src/app.ts')
    const root = app({ 'src/app.ts': '' })
    expect(resolveEntry(root)).toEqual({ path: path.join(root, 'src/app.ts'), shown: path.join('src', 'app.ts') })
  })

  it('defaults to src/app.ts when package.json has no roll.entry', () => {
    const root = app({ 'src/app.ts': '', 'package.json': '{"name":"x","roll":{}}' })
    expect(resolveEntry(root).shown).toBe(path.join('src', 'app.ts'))
    const other = app({ 'src/app.ts': '', 'package.json': '{"name":"x"}' })
    expect(resolveEntry(other).shown).toBe(path.join('src', 'app.ts'))
  })

  it('takes "roll.entry" from package.json', () => {
    const root = app({ 'src/app.ts': '', 'lib/server.ts': '', 'package.json': '{"roll":{"entry":"lib/server.ts"}}' })
    expect(resolveEntry(root)).toEqual({ path: path.join(root, 'lib/server.ts'), shown: path.join('lib', 'server.ts') })
  })

  it('lets --entry win over "roll.entry", and does not read package.json then', () => {
    const root = app({ 'lib/server.ts': '', 'main.ts': '', 'package.json': 'not json' })
    expect(resolveEntry(root, 'main.ts')).toEqual({ path: path.join(root, 'main.ts'), shown: 'main.ts' })
  })

  it('takes an absolute --entry, and shows an entry outside the root relative to it', () => {
    const root = app({ 'app/x.ts': '', 'elsewhere/y.ts': '' })
    const inside = path.join(root, 'app')
    expect(resolveEntry(inside, path.join(root, 'elsewhere/y.ts'))).toEqual({ path: path.join(root, 'elsewhere/y.ts'), shown: path.join('..', 'elsewhere', 'y.ts') })
  })

  it('shows the absolute path when the entry is the root itself', () => {
    const root = app({})
    expect(resolveEntry(root, '.')).toEqual({ path: root, shown: root })
  })

  it('refuses a missing default entry, word for word', () => {
    const root = app({})
    const error = thrown(() => resolveEntry(root))
    expect(error.message).toBe(`Cannot find the app's entry module ${path.join('src', 'app.ts')} (the default entry).`)
    expect(error.hint).toBe(hint)
  })

  it('refuses a missing --entry, naming it', () => {
    const root = app({ 'src/app.ts': '' })
    const error = thrown(() => resolveEntry(root, 'nope.ts'))
    expect(error.message).toBe("Cannot find the app's entry module nope.ts (--entry).")
    expect(error.hint).toBe(hint)
  })

  it('refuses a missing "roll.entry", naming it', () => {
    const root = app({ 'src/app.ts': '', 'package.json': '{"roll":{"entry":"gone.ts"}}' })
    const error = thrown(() => resolveEntry(root))
    expect(error.message).toBe(`Cannot find the app's entry module gone.ts ("roll.entry" in package.json).`)
  })

  it('refuses a package.json that is not JSON, with the parser message', () => {
    const root = app({ 'src/app.ts': '', 'package.json': '{ nope' })
    const error = thrown(() => resolveEntry(root))
    let parserMessage = ''
    try { JSON.parse('{ nope') } catch (problem) { parserMessage = (problem as Error).message }
    expect(error.message).toBe(`package.json is not valid JSON: ${parserMessage}`)
    expect(error.hint).toBe('Fix package.json and run the command again.')
  })

  it.each([
    ['an empty string', '""', '""'],
    ['a number', '3', '3'],
    ['null', 'null', 'null'],
    ['an array', '["src/app.ts"]', '["src/app.ts"]'],
  ])('refuses "roll.entry" set to %s', (_, json, shown) => {
    const root = app({ 'src/app.ts': '', 'package.json': `{"roll":{"entry":${json}}}` })
    const error = thrown(() => resolveEntry(root))
    expect(error.message).toBe(`"roll.entry" in package.json must be a file path, got ${shown}.`)
    expect(error.hint).toBe('Set it to e.g. "src/app.ts".')
  })

  it('ignores a "roll" that is not an object', () => {
    const root = app({ 'src/app.ts': '', 'package.json': '{"roll":"yes"}' })
    expect(resolveEntry(root).shown).toBe(path.join('src', 'app.ts'))
  })
})
