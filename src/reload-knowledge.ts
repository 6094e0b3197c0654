import { formatProblem, KnowledgeError } from './knowledge/errors.js';
import type { KnowledgeStore, ReloadOutcome } from './knowledge-store.js';
import type { Logger } from './logger.js';

/**
 * Reloads the knowledge and logs the outcome: the one reload of SIGHUP and /reload. It never
 * throws: a failure of any kind becomes a rejected reload with its reasons, and the previous
 * knowledge keeps serving.
 */
export async function reloadKnowledge(
  store: KnowledgeStore,
  logger: Logger,
  context: Record<string, unknown> = {},
): Promise<ReloadOutcome> {
  const started = performance.now();
  let outcome: ReloadOutcome;
  try {
    outcome = await store.reload();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    outcome = {
      ok: false,
      error: new KnowledgeError([{ file: store.dir, reason: `the reload failed: ${reason}` }]),
      ms: Math.round(performance.now() - started),
    };
  }
  if (outcome.ok)
    logger.info(
      { ...context, ...outcome.diff, ms: outcome.ms, version: outcome.version },
      'knowledge reloaded',
    );
  else
    logger.warn(
      { ...context, errors: outcome.error.problems.map(formatProblem) },
      'knowledge reload rejected; previous version kept',
    );
  return outcome;
}
