// The app's .env file, read into the environment of each dev worker.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as util from 'node:util'

type ParseEnv = (content: string) => Record<string, string>

/**
 * The variables of `root/.env` (empty when there is none), parsed by Node's own
 * `util.parseEnv` (Node 20.12+). Variables already in `base` win, as with dotenv: the
 * shell's environment overrides the file.
 */
export function readEnvFile(root: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  let content: string
  try {
    content = readFileSync(join(root, '.env'), 'utf8')
  } catch {
    return {}
  }
  const parseEnv = (util as { parseEnv?: ParseEnv }).parseEnv
  if (parseEnv === undefined) {
    process.emitWarning('.env is ignored: reading it needs Node 20.12 or later (util.parseEnv).')
    return {}
  }
  const variables: Record<string, string> = {}
  for (const [name, value] of Object.entries(parseEnv(content))) if (base[name] === undefined) variables[name] = value
  return variables
}
