// roll dev's bundle folder, node_modules/.roll/dev-<pid>: what it holds, how bundles
// replace each other, and how folders of dead roll dev processes are removed.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { createBundleFolder, preloadPath, removeDeadFolders } from '../src/dev/bundle-folder.js'

afterEach(() => {
  vi.restoreAllMocks()
  removeTemps()
})

// process.kill(pid, 0) as the kernel would answer it for these pids: alive, gone (ESRCH), or someone else's (EPERM).
function processes(alive: number[], foreign: number[]): void {
  const realKill = process.kill.bind(process)
  vi.spyOn(process, 'kill').mockImplementation((pid, signal) => {
    if (signal !== 0) return realKill(pid, signal)
    if (alive.includes(pid) || pid === process.pid) return true
    const code = foreign.includes(pid) ? 'EPERM' : 'ESRCH'
    throw Object.assign(new Error(`kill ${code}`), { code })
  })
}

function parentWith(names: string[]): string {
  const parent = path.join(tempDir('roll-folder-'), 'node_modules', '.roll')
  for (const name of names) {
    mkdirSync(path.join(parent, name), { recursive: true })
    writeFileSync(path.join(parent, name, 'app-1.mjs'), '')
  }
  return parent
}

describe('removeDeadFolders', () => {
  it('removes the dev-<pid> folders of processes that are gone, and only those', () => {
    processes([101], [102])
    const parent = parentWith(['dev-100', 'dev-101', 'dev-102', `dev-${process.pid}`, 'dev-103x', 'dev-', 'xdev-104', 'dev-105-old', 'other'])
    writeFileSync(path.join(parent, 'dev-106'), 'a file')
    removeDeadFolders(parent)
    // 101 is alive, 102 belongs to another user (alive too), this process is alive; the rest is not roll dev's.
    expect(readdirSync(parent).sort()).toEqual(['dev-', 'dev-101', 'dev-102', 'dev-103x', 'dev-105-old', `dev-${process.pid}`, 'other', 'xdev-104'].sort())
  })

  it('never asks about its own pid', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('gone'), { code: 'ESRCH' })
    })
    const parent = parentWith([`dev-${process.pid}`])
    removeDeadFolders(parent)
    expect(kill).not.toHaveBeenCalled()
    expect(readdirSync(parent)).toEqual([`dev-${process.pid}`])
  })

  it('asks with signal 0, and takes any other error than EPERM as gone', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('odd'), { code: 'EINVAL' })
    })
    const parent = parentWith(['dev-200'])
    removeDeadFolders(parent)
    expect(kill).toHaveBeenCalledWith(200, 0)
    expect(readdirSync(parent)).toEqual([])
  })

  it('does nothing when the folder does not exist', () => {
    const parent = path.join(tempDir('roll-folder-'), 'node_modules', '.roll')
    expect(() => removeDeadFolders(parent)).not.toThrow()
    expect(existsSync(parent)).toBe(false)
  })
})

describe('createBundleFolder', () => {
  it('makes node_modules/.roll/dev-<pid>, empty, and removes it on exit', () => {
    const root = tempDir('roll-folder-')
    const exitListeners = process.listenerCount('exit')
    const folder = createBundleFolder(root)
    try {
      expect(folder.path).toBe(path.join(root, 'node_modules', '.roll', `dev-${process.pid}`))
      expect(readdirSync(folder.path)).toEqual([])
      expect(process.listenerCount('exit')).toBe(exitListeners + 1)
    } finally {
      folder.remove()
    }
    expect(existsSync(folder.path)).toBe(false)
    expect(existsSync(path.dirname(folder.path))).toBe(true)
    expect(process.listenerCount('exit')).toBe(exitListeners)
    // Twice is harmless.
    expect(() => folder.remove()).not.toThrow()
  })

  it('writes the preload beside the bundle folders, where it outlives roll dev for the next one', () => {
    const root = tempDir('roll-folder-')
    const folder = createBundleFolder(root)
    folder.writePreload('import "zod"')
    folder.writePreload('import "ajv"\nimport "zod"')
    folder.remove()
    expect(preloadPath(root)).toBe(path.join(root, 'node_modules', '.roll', 'preload.mjs'))
    expect(readFileSync(preloadPath(root), 'utf8')).toBe('import "ajv"\nimport "zod"')
    // Nothing half-written is left beside it.
    expect(readdirSync(path.dirname(preloadPath(root)))).toEqual(['preload.mjs'])
  })

  it('removes the folders of dead roll dev processes first, and reuses its own', () => {
    processes([301], [])
    const root = tempDir('roll-folder-')
    const parent = path.join(root, 'node_modules', '.roll')
    mkdirSync(path.join(parent, 'dev-300'), { recursive: true })
    mkdirSync(path.join(parent, 'dev-301'), { recursive: true })
    mkdirSync(path.join(parent, `dev-${process.pid}`), { recursive: true })
    writeFileSync(path.join(parent, 'preload.mjs'), 'import "zod"')
    const folder = createBundleFolder(root)
    try {
      expect(readdirSync(parent).sort()).toEqual(['dev-301', `dev-${process.pid}`, 'preload.mjs'].sort())
      expect(folder.path).toBe(path.join(parent, `dev-${process.pid}`))
    } finally {
      folder.remove()
    }
  })

  it('writes each bundle as app-<version>.mjs and keeps only the one before it', () => {
    const root = tempDir('roll-folder-')
    const folder = createBundleFolder(root)
    try {
      const first = folder.writeBundle(1, new TextEncoder().encode('export const v = 1\n'))
      expect(first).toBe(path.join(folder.path, 'app-1.mjs'))
      expect(readFileSync(first, 'utf8')).toBe('export const v = 1\n')
      folder.writeBundle(2, new TextEncoder().encode('2'))
      expect(readdirSync(folder.path).sort()).toEqual(['app-1.mjs', 'app-2.mjs'])
      const third = folder.writeBundle(3, new TextEncoder().encode('3'))
      expect(readdirSync(folder.path).sort()).toEqual(['app-2.mjs', 'app-3.mjs'])
      expect(readFileSync(third, 'utf8')).toBe('3')
      // A jump removes every bundle older than the one before.
      writeFileSync(path.join(folder.path, 'app-3.mjs.map'), '')
      writeFileSync(path.join(folder.path, 'xapp-1.mjs'), '')
      folder.writeBundle(10, new TextEncoder().encode('10'))
      expect(readdirSync(folder.path).sort()).toEqual(['app-10.mjs', 'app-3.mjs.map', 'xapp-1.mjs'])
      folder.writeBundle(11, new TextEncoder().encode('11'))
      expect(readdirSync(folder.path).filter((name) => /^app-\d+\.mjs$/.test(name)).sort()).toEqual(['app-10.mjs', 'app-11.mjs'])
      folder.writeBundle(12, new TextEncoder().encode('12'))
      expect(readdirSync(folder.path).filter((name) => /^app-\d+\.mjs$/.test(name)).sort()).toEqual(['app-11.mjs', 'app-12.mjs'])
    } finally {
      folder.remove()
    }
  })

  it('is removed on exit, by the once listener it adds', () => {
    const root = tempDir('roll-folder-')
    const before = process.rawListeners('exit')
    const folder = createBundleFolder(root)
    const added = process.rawListeners('exit').filter((listener) => !before.includes(listener))
    expect(added).toHaveLength(1)
    folder.writeBundle(1, new Uint8Array([1]))
    // Called as process.emit('exit') would, without running the test runner's own exit listeners.
    ;(added[0] as (code: number) => void)(0)
    expect(existsSync(folder.path)).toBe(false)
    // A `once` listener: gone after it ran.
    expect(process.rawListeners('exit')).not.toContain(added[0])
    expect(process.rawListeners('exit')).toHaveLength(before.length)
  })
})
