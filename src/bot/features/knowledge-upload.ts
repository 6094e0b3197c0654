import { Composer } from 'grammy';
import { formatProblem, type KnowledgeProblem } from '../../knowledge/errors.js';
import { decodeKnowledgeFile, isKnowledgeFileName, knowledgeLimits } from '../../knowledge/load.js';
import { userLang, type BotContext } from '../context.js';
import { nowOf, type BotDeps } from '../deps.js';
import { repliesFor } from '../replies.js';
import { sendHtmlMessages } from '../send.js';
import { adminsOnly, isAdmin } from '../filters/is-admin.js';
import { problemsForChat } from './admin.js';

/** How long an upload waits for /confirm. */
export const UPLOAD_TTL_MS = 15 * 60_000;
// Telegram's message limit leaves room for this much of an error list.
const MAX_ERROR_CHARS = 3500;

/** Where uploaded documents are downloaded from. */
export interface FileSource {
  /** The Bot API root, e.g. https://api.telegram.org; files are under `/file/bot<token>/`. */
  apiRoot: string;
}

interface PendingUpload {
  name: string;
  text: string;
  expires: number;
}

/** A download that failed; the message never contains the URL, which carries the token. */
class DownloadError extends Error {
  override readonly name = 'DownloadError';
}

/** The file is over the limit; found while downloading when Telegram did not tell the size. */
class TooLargeError extends DownloadError {
  constructor(readonly bytes: number) {
    super(`the file is at least ${bytes} bytes`);
  }
}

/**
 * Knowledge updates from the chat: an admin sends a knowledge file (`*.md` or `synonyms.yaml`)
 * as a document in private; the bot checks the whole knowledge with that file in place and
 * replies with what would change, or with the exact errors. `/confirm` writes it (keeping the
 * old one in `.backups/`) and reloads; `/cancel` drops it. Anyone else's document is politely
 * refused.
 */
export function knowledgeUploadFeature(deps: BotDeps, files: FileSource): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chat = composer.chatType('private');
  // One pending upload per admin, in memory: after a restart the admin simply sends it again.
  const pending = new Map<number, PendingUpload>();
  const take = (userId: number): PendingUpload | undefined => {
    const upload = pending.get(userId);
    if (upload && upload.expires <= nowOf(deps).getTime()) pending.delete(userId);
    return pending.get(userId);
  };

  chat.on('message:document', async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    const user = ctx.from.id;
    const doc = ctx.msg.document;
    if (!isAdmin(ctx, deps.settings)) {
      deps.logger.warn({ update: ctx.update.update_id, user }, 'upload refused: not an admin');
      await sendHtmlMessages(ctx, [replies.uploadRefused]);
      return;
    }
    const name = doc.file_name ?? '';
    if (!isKnowledgeFileName(name)) {
      await sendHtmlMessages(ctx, [replies.uploadBadName(name)]);
      return;
    }
    const limit = knowledgeLimits.maxFileBytes;
    if (doc.file_size !== undefined && doc.file_size > limit) {
      await sendHtmlMessages(ctx, [replies.uploadTooLarge(doc.file_size, limit)]);
      return;
    }

    let bytes: Uint8Array;
    try {
      const file = await ctx.api.getFile(doc.file_id);
      if (file.file_path === undefined) throw new DownloadError('Telegram gave no file path');
      bytes = await download(`${files.apiRoot}/file/bot${ctx.api.token}/${file.file_path}`, limit);
    } catch (error) {
      // The reason only: an error of the HTTP client may quote the URL, and with it the token.
      const reason = error instanceof Error ? error.message : String(error);
      deps.logger.warn({ update: ctx.update.update_id, user, file: name, reason }, 'upload failed');
      await sendHtmlMessages(ctx, [
        error instanceof TooLargeError
          ? replies.uploadTooLarge(error.bytes, limit)
          : replies.uploadDownloadFailed,
      ]);
      return;
    }

    // The same checks as the loader: size and UTF-8, then the whole folder with this file.
    const decoded = decodeKnowledgeFile(name, bytes);
    if (!decoded.ok) {
      await reportInvalid(ctx, deps, name, [decoded.problem]);
      return;
    }
    const checked = await deps.store.check(name, decoded.text);
    if (!checked.ok) {
      await reportInvalid(ctx, deps, name, checked.error.problems);
      return;
    }
    pending.set(user, { name, text: decoded.text, expires: nowOf(deps).getTime() + UPLOAD_TTL_MS });
    deps.logger.info(
      { update: ctx.update.update_id, user, file: name, ...checked.diff },
      'upload checked; waiting for /confirm',
    );
    await sendHtmlMessages(ctx, [
      replies.uploadReady(name, {
        sections: checked.sections,
        diff: checked.diff,
        expiresInMinutes: UPLOAD_TTL_MS / 60_000,
      }),
    ]);
  });

  const admins = chat.filter(adminsOnly(deps.settings));
  admins.command('confirm', async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    const upload = take(ctx.from.id);
    if (!upload) {
      await sendHtmlMessages(ctx, [replies.uploadNothingPending]);
      return;
    }
    pending.delete(ctx.from.id);
    const outcome = await deps.store.install(upload.name, upload.text, nowOf(deps));
    if (!outcome.ok) {
      await reportInvalid(ctx, deps, upload.name, outcome.error.problems);
      return;
    }
    deps.logger.info(
      {
        user: ctx.from.id,
        file: upload.name,
        backup: outcome.backup ?? null,
        ...outcome.diff,
        version: outcome.version,
      },
      'upload installed; knowledge reloaded',
    );
    await sendHtmlMessages(ctx, [
      `${replies.uploadInstalled(upload.name, outcome.backup)}\n${replies.reloadOk(outcome)}`,
    ]);
  });

  admins.command('cancel', async (ctx) => {
    const replies = repliesFor(userLang(ctx));
    const upload = take(ctx.from.id);
    pending.delete(ctx.from.id);
    await sendHtmlMessages(ctx, [
      upload ? replies.uploadCancelled(upload.name) : replies.uploadNothingPending,
    ]);
  });

  return composer;
}

async function reportInvalid(
  ctx: BotContext,
  deps: BotDeps,
  name: string,
  problems: readonly KnowledgeProblem[],
): Promise<void> {
  const errors = problemsForChat(problems, deps.store.dir);
  deps.logger.warn(
    { update: ctx.update.update_id, file: name, errors: problems.map(formatProblem).join('\n') },
    'upload rejected',
  );
  await sendHtmlMessages(ctx, [
    repliesFor(userLang(ctx)).uploadInvalid(name, errors.slice(0, MAX_ERROR_CHARS)),
  ]);
}

// Reads at most `limit` bytes: a file larger than Telegram announced is not read to the end.
async function download(url: string, limit: number): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch(
    (error: unknown) => {
      throw new DownloadError(
        `network error${error instanceof Error && error.name === 'TimeoutError' ? ' (timeout)' : ''}`,
      );
    },
  );
  if (!response.ok || !response.body) throw new DownloadError(`HTTP ${response.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    // Leaving the loop cancels the rest of the download.
    if (size > limit) throw new TooLargeError(size);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
