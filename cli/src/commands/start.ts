// roll start (not built yet).
import type { CommandModule } from 'yargs'
import { CliError } from '../errors.js'

export const start: CommandModule = {
  command: 'start',
  describe: 'start (not available yet)',
  handler: () => {
    throw new CliError('roll start is not available yet.')
  },
}
