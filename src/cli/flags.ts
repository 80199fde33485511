// The flags several commands share, declared here once so each has one meaning everywhere:
//   --project <dir>  the project, named by its folder (relative folders are resolved); a command
//                    that needs a project and gets none uses the current one ($CLAUDE_PROJECT_DIR,
//                    else the working directory). Listings filter to it (`sessions`, `dispatches`
//                    list every project without it; the reports default to the current one).
//   --since <when>   from this point in time on (see ./time.ts).
//   --json / --csv   the data on stdout: JSON with snake_case keys / RFC 4180 CSV.
import { Option } from 'commander';
import { resolve } from 'node:path';
import { projectOf } from '../runtime/paths';

export const projectOption = (): Option => new Option('--project <dir>', 'the project, by its folder (where a command needs one and gets none: $CLAUDE_PROJECT_DIR, else the current directory)');

export const sinceOption = (defaultValue?: string): Option => {
  const option = new Option('--since <when>', 'only from this time on: 30m, 12h, 7d, 2w or a date (2026-11-01)');
  return defaultValue === undefined ? option : option.default(defaultValue);
};

export const jsonOption = (): Option => new Option('--json', 'print JSON on stdout (snake_case keys)');

export const csvOption = (): Option => new Option('--csv', 'print RFC 4180 CSV on stdout');

/** The folder `--project` names, absolute; the current project when it is not given. */
export const projectDir = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string => resolve(flag ?? projectOf(undefined, env));

/** The project a listing filters to: only when `--project` is given. */
export const projectFilter = (flag: string | undefined): string | undefined => (flag === undefined ? undefined : resolve(flag));
