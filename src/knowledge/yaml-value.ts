import type { Document } from 'yaml';

/**
 * The plain value of a parsed YAML document, or why it has none. Parsing succeeds on input
 * whose conversion still throws: an alias bomb (a few lines of `&a` and `*a` that expand to
 * millions of nodes) is refused by the YAML library only while converting, with an exception.
 */
export function plainValue(
  doc: Document,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The most alias expansions a knowledge file may make; the YAML library's own default. */
export const MAX_ALIAS_EXPANSIONS = 100;
