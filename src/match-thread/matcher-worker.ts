/**
 * The matcher thread: holds its own index of the knowledge version it was last sent and
 * answers questions against it. Only ids and scores go back; the caller maps them to the
 * sections of the same version.
 */
import { parentPort } from 'node:worker_threads';
import { buildSearchIndex, type SearchIndex } from '../match/search-index.js';
import { matchQuestion } from '../match/match-question.js';
import type { ThreadReply, ThreadRequest } from './protocol.js';

let loaded: { version: number; index: SearchIndex } | undefined;
const reply = (message: ThreadReply) => parentPort?.postMessage(message);

parentPort?.on('message', (request: ThreadRequest) => {
  if (request.type === 'load') {
    loaded = { version: request.version, index: buildSearchIndex(request.knowledge) };
    reply({ type: 'loaded', version: request.version });
    return;
  }
  if (!loaded || loaded.version !== request.version) {
    reply({ type: 'unanswered', id: request.id });
    return;
  }
  try {
    const result = matchQuestion(loaded.index, request.question, request.options);
    reply({
      type: 'matched',
      id: request.id,
      version: loaded.version,
      section: result.section?.id,
      score: result.score,
      best: result.best && { id: result.best.section.id, score: result.best.score },
      alternatives: result.alternatives.map((a) => ({ id: a.section.id, score: a.score })),
      lang: result.lang,
    });
  } catch {
    reply({ type: 'unanswered', id: request.id });
  }
});
