// roll dev's private folder for its bundles, node_modules/.roll/dev-<pid>: inside
// node_modules so that the bundles' imports of dependencies resolve as they do from the
// app. Removed on every way out; folders of roll dev processes that died are removed at start.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface BundleFolder {
  path: string
  /** Writes the preload module (see `preloadPath`). */
  writePreload(contents: string): void
  /** Writes the `version`th bundle and removes the older ones; returns its path. */
  writeBundle(version: number, contents: Uint8Array): string
  remove(): void
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the dev-<pid> folders under `parent` whose process is gone. */
export function removeDeadFolders(parent: string): void {
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return
  }
  for (const name of names) {
    const pid = /^dev-(\d+)$/.exec(name)?.[1]
    if (pid !== undefined && Number(pid) !== process.pid && !isAlive(Number(pid))) rmSync(join(parent, name), { recursive: true, force: true })
  }
}

const rollFolder = (root: string) => join(root, 'node_modules', '.roll')

/**
 * The app's external imports at the last build (`import "zod"` lines), which each worker
 * loads as it boots, before any bundle. It outlives roll dev: the first worker of the
 * next one boots during the first build, and preloads what the app imported last time.
 */
export const preloadPath = (root: string) => join(rollFolder(root), 'preload.mjs')

export function createBundleFolder(root: string): BundleFolder {
  const parent = rollFolder(root)
  removeDeadFolders(parent)
  const path = join(parent, `dev-${process.pid}`)
  mkdirSync(path, { recursive: true })
  const remove = () => rmSync(path, { recursive: true, force: true })
  // The last word on any exit, process.exit() included (a signal's default action skips it: see session.ts).
  process.once('exit', remove)
  return {
    path,
    writePreload(contents) {
      // Renamed into place: a worker (of this roll dev or another in the app) may be reading it.
      const preload = preloadPath(root)
      writeFileSync(`${preload}.${process.pid}`, contents)
      renameSync(`${preload}.${process.pid}`, preload)
    },
    writeBundle(version, contents) {
      const bundle = join(path, `app-${version}.mjs`)
      writeFileSync(bundle, contents)
      for (const name of readdirSync(path)) {
        const match = /^app-(\d+)\.mjs$/.exec(name)
        if (match !== null && Number(match[1]) < version - 1) rmSync(join(path, name), { force: true })
      }
      return bundle
    },
    remove() {
      process.off('exit', remove)
      remove()
    },
  }
}
