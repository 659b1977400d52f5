// readEnvFile: the app's .env, parsed by Node's util.parseEnv, the shell's variables winning.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { readEnvFile } from '../src/env-file.js'

afterEach(() => {
  removeTemps()
  vi.restoreAllMocks()
  vi.doUnmock('node:util')
  vi.resetModules()
})

function appWithEnv(content: string): string {
  const root = tempDir('roll-env-')
  writeFileSync(path.join(root, '.env'), content)
  return root
}

describe('readEnvFile', () => {
  it('reads the variables of root/.env: quotes, comments and export lines as Node parses them', () => {
    const root = appWithEnv('A=1\nB="two words"\n# a comment\nexport C=3\nEMPTY=\n')
    expect(readEnvFile(root, {})).toEqual({ A: '1', B: 'two words', C: '3', EMPTY: '' })
  })

  it('leaves out the variables the base environment already has, even when empty', () => {
    const root = appWithEnv('A=from-file\nB=from-file\nC=from-file\n')
    expect(readEnvFile(root, { A: 'from-shell', B: '' })).toEqual({ C: 'from-file' })
  })

  it('uses process.env as the base by default', () => {
    const root = appWithEnv('ROLL_ENV_TEST_SET=from-file\nROLL_ENV_TEST_UNSET=from-file\n')
    vi.stubEnv('ROLL_ENV_TEST_SET', 'from-shell')
    expect(readEnvFile(root)).toEqual({ ROLL_ENV_TEST_UNSET: 'from-file' })
    vi.unstubAllEnvs()
  })

  it('is empty when there is no .env, or when .env is not a readable file', () => {
    const root = tempDir('roll-env-')
    expect(readEnvFile(root, {})).toEqual({})
    mkdirSync(path.join(root, '.env'))
    expect(readEnvFile(root, {})).toEqual({})
    expect(readEnvFile(path.join(root, 'missing'), {})).toEqual({})
  })

  it('warns once and reads nothing on a Node without util.parseEnv', async () => {
    vi.doMock('node:util', async (importOriginal) => ({ ...(await importOriginal<object>()), parseEnv: undefined }))
    vi.resetModules()
    const { readEnvFile: readWithoutParseEnv } = await import('../src/env-file.js')
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const root = appWithEnv('A=1\n')
    expect(readWithoutParseEnv(root, {})).toEqual({})
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn).toHaveBeenCalledWith('.env is ignored: reading it needs Node 20.12 or later (util.parseEnv).')
    // No .env: nothing to warn about.
    warn.mockClear()
    expect(readWithoutParseEnv(tempDir('roll-env-'), {})).toEqual({})
    expect(warn).not.toHaveBeenCalled()
  })
})
