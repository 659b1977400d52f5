// An error's stack as roll dev shows it, in the terminal and in the browser: the app's
// frames (source-mapped to its .ts files), the others folded, and the app's first line
// with the lines around it.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** A place in a file, from a stack frame. */
export interface Frame { file: string; line: number; column: number }

/** One line of a trimmed stack: an app frame as written (paths relative to the app), or a count of folded ones. */
export type StackLine = { frame: string } | { folded: number }

/** What roll dev shows of an error. */
export interface AppStack {
  /** `TypeError: boom`, or `Thrown value: …` for what is not an Error. */
  title: string
  /** The first frame in the app's sources. */
  place?: Frame
  lines: StackLine[]
}

// "    at handler (/app/src/app.ts:12:11)" or "    at file:///app/src/app.ts:12:11".
function frameOf(line: string): Frame | undefined {
  const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/.exec(line.trim())
  if (!match) return undefined
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
  return { file, line: Number(match[2]), column: Number(match[3]) }
}

function isAppFile(file: string, root: string): boolean {
  if (!path.isAbsolute(file)) return false // node:events, <anonymous>
  const relative = path.relative(root, file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).includes('node_modules')
}

/** `thrown`'s stack, trimmed to the frames of the app under `root`. */
export function appStack(thrown: unknown, root: string): AppStack {
  const error = thrown instanceof Error ? thrown : undefined
  const title = error ? `${error.name}: ${error.message}` : `Thrown value: ${String(thrown)}`
  const lines: StackLine[] = []
  let place: Frame | undefined
  for (const line of (error?.stack ?? '').split('\n').slice(1)) {
    const frame = frameOf(line)
    if (frame && isAppFile(frame.file, root)) {
      place ??= frame
      lines.push({ frame: line.trim().replace(root + path.sep, '') })
    } else if (frame || line.trim().startsWith('at ')) {
      const last = lines.at(-1)
      if (last !== undefined && 'folded' in last) last.folded++
      else lines.push({ folded: 1 })
    }
  }
  return { title, place, lines }
}

/** The lines 2 before to 2 after `frame`'s, numbered; `[]` when the file cannot be read. */
export function codeLines(frame: Frame): { number: number; text: string; marked: boolean }[] {
  let lines: string[]
  try {
    lines = readFileSync(frame.file, 'utf8').split('\n')
  } catch {
    return []
  }
  const first = Math.max(1, frame.line - 2)
  return lines.slice(first - 1, frame.line + 2).map((text, i) => ({ number: first + i, text, marked: first + i === frame.line }))
}

/** "… 3 frames of the framework and Node" */
export const foldedText = (count: number) => `… ${count} frame${count > 1 ? 's' : ''} of the framework and Node`
