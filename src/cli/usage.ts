/**
 * Prints `usage` and returns true when the command line asks for help (`--help` or `-h`
 * anywhere before a `--`), so that each command answers it before it parses anything else.
 */
export function printedUsage(argv: readonly string[], usage: string): boolean {
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  if (!options.includes('--help') && !options.includes('-h')) return false;
  console.log(usage);
  return true;
}
