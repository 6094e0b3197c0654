import type { PeriodStats, UnansweredReport } from '../feedback/insights.js';
import { percent } from '../feedback/insights.js';
import type { KnowledgeDiff } from '../knowledge/diff.js';
import type { Lang } from '../knowledge/types.js';
import { toTraditional } from '../match/chinese.js';
import { escapeHtml } from './render.js';

/** Every sentence the bot says, per language. Values are Telegram HTML (already escaped). */
export interface Replies {
  noAnswer: string;
  noAnswerInGroup: string;
  related: string;
  topics: string;
  welcome: (name: string) => string;
  help: (botUsername: string) => string;
  nonText: string;
  emptyQuestion: string;
  askUsage: (botUsername: string) => string;
  unknownSection: string;
  reloadOk: (summary: ReloadSummary) => string;
  reloadFailed: (errors: string) => string;
  tooFast: string;
  shareButton: string;
  topicsButton: string;
  voteThanks: string;
  voteChanged: string;
  voteUpButton: string;
  voteDownButton: string;
  voteUnknown: string;
  consoleIntro: string;
  /** The /topics message: the intro, then every section as a line linked to its deep link. */
  topicsWithLinks: (linkLines: readonly string[]) => string;
  /** The button under inline results when nothing matches; opens a private chat. */
  inlineNoAnswer: string;
  adminOnly: string;
  privateOnly: string;
  feedbackOff: string;
  unanswered: (report: UnansweredReport) => string;
  stats: (stats: readonly PeriodStats[]) => string;
  uploadRefused: string;
  uploadBadName: (name: string) => string;
  uploadTooLarge: (bytes: number, limit: number) => string;
  uploadDownloadFailed: string;
  uploadInvalid: (name: string, errors: string) => string;
  uploadReady: (name: string, summary: UploadSummary) => string;
  uploadNothingPending: string;
  uploadCancelled: (name: string) => string;
  uploadInstalled: (name: string, backup: string | undefined) => string;
}

/** What the reply to a valid upload reports: the knowledge it would make. */
export interface UploadSummary {
  sections: number;
  diff: KnowledgeDiff;
  /** Minutes until the pending upload is dropped. */
  expiresInMinutes: number;
}

/** What the reload reply reports. */
export interface ReloadSummary {
  sections: number;
  diff: KnowledgeDiff;
  ms: number;
}

const list = (ids: string[]) =>
  ids.length === 0 ? '—' : ids.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ');

const code = (id: string) => `<code>${escapeHtml(id)}</code>`;

// A question quoted in a report: one line, at most this many characters, escaped.
const QUOTE_CHARS = 120;
function quote(text: string): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(line);
  return escapeHtml(chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join('')}…` : line);
}

const votesOf = (v: { sectionId: string; up: number; down: number }) =>
  `${code(v.sectionId)} 👍${v.up} 👎${v.down}`;

const zh: Replies = {
  noAnswer: '抱歉，这个问题我还没有可靠的答案。下面是我能回答的话题，点一个看看：',
  noAnswerInGroup: '抱歉，这个问题我还没有可靠的答案。私聊我发送 /topics 可以看到我能回答的话题。',
  related: '相关话题：',
  topics: '我能回答这些话题，点一个查看：',
  welcome: (name) =>
    `你好，${escapeHtml(name)}！我回答关于 SIM 卡、eSIM、自动断网和流量上限的问题。直接发问题给我就行，比如“eSIM 能自动断网吗？”。发送 /topics 查看全部话题。`,
  help: (bot) =>
    [
      '<b>怎么用</b>',
      '• 私聊：直接发送你的问题。',
      `• 群聊：发送 <code>/ask 你的问题</code>，或 @${escapeHtml(bot)} 提问，或回复我的消息。`,
      `• 任意聊天：输入 @${escapeHtml(bot)} 加问题，选择答案发送。`,
      '• /topics：全部话题。',
    ].join('\n'),
  nonText: '我只能读文字消息。请用文字把问题发给我，比如“实体 SIM 卡能自动断网吗？”',
  emptyQuestion: '请在命令后面写上问题，比如：<code>/ask eSIM 能自动断网吗</code>',
  askUsage: (bot) => `在群里提问：<code>/ask 你的问题</code>，或者 @${escapeHtml(bot)} 你的问题。`,
  unknownSection: '这个话题已经不存在了。下面是现在的话题：',
  reloadOk: ({ sections, diff, ms }) =>
    [
      `✅ 知识库已重新加载：${sections} 个话题，用时 ${ms} 毫秒。`,
      `新增：${list(diff.added)}`,
      `删除：${list(diff.removed)}`,
      `修改：${list(diff.changed)}`,
      diff.synonymsChanged ? '同义词表有改动。' : '',
    ]
      .filter(Boolean)
      .join('\n'),
  reloadFailed: (errors) =>
    `❌ 知识库有错误，没有加载，仍在使用原来的版本：\n<pre>${escapeHtml(errors)}</pre>`,
  tooFast: '消息发得太快了，请稍等几秒再问。',
  shareButton: '🔗 分享',
  topicsButton: '📚 全部话题',
  voteThanks: '谢谢你的反馈！',
  voteChanged: '已更新你的反馈。',
  voteUpButton: '👍',
  voteDownButton: '👎',
  voteUnknown: '这条回答太旧了，无法再评价。',
  consoleIntro:
    '本地控制台模式：输入问题并回车，输入数字选择按钮，Ctrl+D 退出。要连接 Telegram，请在 .env 中设置 BOT_TOKEN。',
  topicsWithLinks: (lines) =>
    ['我能回答这些话题，点按钮查看，或复制链接分享：', '', ...lines].join('\n'),
  inlineNoAnswer: '没有找到答案，私聊问我',
  adminOnly: '抱歉，只有管理员可以使用这个命令。',
  privateOnly: '请在和我的私聊里使用这个命令。',
  feedbackOff: '这个实例没有记录问题和反馈。',
  unanswered: (r) =>
    [
      `<b>最近 ${r.days} 天没有答案的问题</b>：共 ${r.total} 个` +
        (r.groups.length === 0
          ? '。'
          : `，按相似程度分组，最多的 ${r.groups.length} 组：\n` +
            r.groups
              .map(
                (g, i) =>
                  `${i + 1}. ×${g.count} ${quote(g.example)}` +
                  (g.wordings > 1 ? `（${g.wordings} 种说法）` : ''),
              )
              .join('\n')),
      r.mostDownvoted.length === 0
        ? '<b>👎 最多的话题</b>：没有。'
        : `<b>👎 最多的话题</b>：\n${r.mostDownvoted.map(votesOf).join('\n')}`,
    ].join('\n\n'),
  stats: (periods) =>
    [
      '<b>统计</b>',
      ...periods.map((p) =>
        [
          `<b>最近 ${p.days} 天</b>：${p.questions} 个问题，${percent(p.answeredShare)} 有答案（${p.answered} 个）`,
          `热门话题：${p.topSections.length === 0 ? '—' : p.topSections.map((t) => `${code(t.sectionId)} ${t.count}`).join('，')}`,
          `反馈：${p.feedback.length === 0 ? '—' : p.feedback.map(votesOf).join('；')}`,
        ].join('\n'),
      ),
    ].join('\n\n'),
  uploadRefused: '谢谢！不过只有管理员可以更新知识库。有问题的话，直接用文字发给我就行。',
  uploadBadName: (name) =>
    `“${escapeHtml(name)}”不是知识库文件名：请发送像 <code>02-esim.md</code> 这样的话题文件，或 <code>synonyms.yaml</code>（文件名里不能有文件夹）。`,
  uploadTooLarge: (bytes, limit) =>
    `文件有 ${bytes} 字节，超过了单个知识库文件 ${limit} 字节的上限，没有接收。`,
  uploadDownloadFailed: '无法从 Telegram 下载这个文件，请稍后再发一次。',
  uploadInvalid: (name, errors) =>
    `❌ ${escapeHtml(name)} 有错误，什么都没有改：\n<pre>${escapeHtml(errors)}</pre>`,
  uploadReady: (name, { sections, diff, expiresInMinutes }) =>
    [
      `📄 ${escapeHtml(name)} 检查通过。确认后知识库将有 ${sections} 个话题。`,
      `新增：${list(diff.added)}`,
      `删除：${list(diff.removed)}`,
      `修改：${list(diff.changed)}`,
      diff.synonymsChanged ? '同义词表有改动。' : '',
      `发送 /confirm 确认写入，或 /cancel 放弃（${expiresInMinutes} 分钟后自动放弃）。`,
    ]
      .filter(Boolean)
      .join('\n'),
  uploadNothingPending: '没有等待确认的文件。请先把知识库文件发给我。',
  uploadCancelled: (name) => `已放弃 ${escapeHtml(name)}，知识库没有改动。`,
  uploadInstalled: (name, backup) =>
    `已写入 ${escapeHtml(name)}。` +
    (backup ? `原来的版本保存在 <code>${escapeHtml(backup)}</code>。` : ''),
};

const en: Replies = {
  noAnswer:
    "Sorry, I don't have a reliable answer to that. These are the topics I can answer; tap one:",
  noAnswerInGroup:
    "Sorry, I don't have a reliable answer to that. Message me /topics in private to see what I can answer.",
  related: 'Related topics:',
  topics: 'These are the topics I can answer; tap one:',
  welcome: (name) =>
    `Hi ${escapeHtml(name)}! I answer questions about SIM cards, eSIM, automatic network cut-off and data limits. Just send me a question, such as “Can an eSIM cut off the network automatically?”. Send /topics for the full list.`,
  help: (bot) =>
    [
      '<b>How to use me</b>',
      '• In private: just send your question.',
      `• In a group: send <code>/ask your question</code>, mention @${escapeHtml(bot)}, or reply to one of my messages.`,
      `• In any chat: type @${escapeHtml(bot)} and a question, then pick an answer to send.`,
      '• /topics: every topic.',
    ].join('\n'),
  nonText:
    'I can only read text. Please type your question, for example “Can a SIM card cut off data automatically?”',
  emptyQuestion:
    'Please put a question after the command, for example: <code>/ask can an esim disconnect automatically</code>',
  askUsage: (bot) =>
    `To ask in a group: <code>/ask your question</code>, or @${escapeHtml(bot)} your question.`,
  unknownSection: 'That topic no longer exists. These are the current topics:',
  reloadOk: ({ sections, diff, ms }) =>
    [
      `✅ Knowledge reloaded: ${sections} topics in ${ms} ms.`,
      `Added: ${list(diff.added)}`,
      `Removed: ${list(diff.removed)}`,
      `Changed: ${list(diff.changed)}`,
      diff.synonymsChanged ? 'The synonyms changed.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
  reloadFailed: (errors) =>
    `❌ The knowledge has errors and was not loaded; the previous version is still in use:\n<pre>${escapeHtml(errors)}</pre>`,
  tooFast: 'You are sending messages too fast; please wait a few seconds.',
  shareButton: '🔗 Share',
  topicsButton: '📚 All topics',
  voteThanks: 'Thanks for the feedback!',
  voteChanged: 'Your feedback was updated.',
  voteUpButton: '👍',
  voteDownButton: '👎',
  voteUnknown: 'This answer is too old to vote on.',
  consoleIntro:
    'Local console mode: type a question and press Enter, type a number to press a button, Ctrl+D to quit. To connect Telegram, set BOT_TOKEN in .env.',
  topicsWithLinks: (lines) =>
    ['These are the topics I can answer; tap one, or copy a link to share:', '', ...lines].join(
      '\n',
    ),
  inlineNoAnswer: 'No answer found: ask me directly',
  adminOnly: 'Sorry, only administrators can use this command.',
  privateOnly: 'Please use this command in a private chat with me.',
  feedbackOff: 'This instance does not record questions and feedback.',
  unanswered: (r) =>
    [
      `<b>Unanswered questions, last ${r.days} days</b>: ${r.total} in total` +
        (r.groups.length === 0
          ? '.'
          : `; the ${r.groups.length} most frequent, grouped by similarity:\n` +
            r.groups
              .map(
                (g, i) =>
                  `${i + 1}. ×${g.count} ${quote(g.example)}` +
                  (g.wordings > 1 ? ` (${g.wordings} wordings)` : ''),
              )
              .join('\n')),
      r.mostDownvoted.length === 0
        ? '<b>Most 👎</b>: none.'
        : `<b>Most 👎</b>:\n${r.mostDownvoted.map(votesOf).join('\n')}`,
    ].join('\n\n'),
  stats: (periods) =>
    [
      '<b>Statistics</b>',
      ...periods.map((p) =>
        [
          `<b>Last ${p.days === 1 ? 'day' : `${p.days} days`}</b>: ${p.questions} questions, ${percent(p.answeredShare)} answered (${p.answered})`,
          `Top sections: ${p.topSections.length === 0 ? '—' : p.topSections.map((t) => `${code(t.sectionId)} ${t.count}`).join(', ')}`,
          `Feedback: ${p.feedback.length === 0 ? '—' : p.feedback.map(votesOf).join('; ')}`,
        ].join('\n'),
      ),
    ].join('\n\n'),
  uploadRefused:
    'Thanks, but only administrators can update the knowledge base. If you have a question, just send it as text.',
  uploadBadName: (name) =>
    `“${escapeHtml(name)}” is not a knowledge file name: send a section file named like <code>02-esim.md</code>, or <code>synonyms.yaml</code> (no folders in the name).`,
  uploadTooLarge: (bytes, limit) =>
    `The file is ${bytes} bytes, over the ${limit}-byte limit for one knowledge file; it was not accepted.`,
  uploadDownloadFailed:
    'The file could not be downloaded from Telegram; please send it again later.',
  uploadInvalid: (name, errors) =>
    `❌ ${escapeHtml(name)} has errors; nothing was changed:\n<pre>${escapeHtml(errors)}</pre>`,
  uploadReady: (name, { sections, diff, expiresInMinutes }) =>
    [
      `📄 ${escapeHtml(name)} is valid. Once confirmed the knowledge will have ${sections} topics.`,
      `Added: ${list(diff.added)}`,
      `Removed: ${list(diff.removed)}`,
      `Changed: ${list(diff.changed)}`,
      diff.synonymsChanged ? 'The synonyms change.' : '',
      `Send /confirm to install it or /cancel to drop it (dropped after ${expiresInMinutes} minutes).`,
    ]
      .filter(Boolean)
      .join('\n'),
  uploadNothingPending: 'No upload is waiting: send me a knowledge file first.',
  uploadCancelled: (name) => `Dropped ${escapeHtml(name)}; the knowledge is unchanged.`,
  uploadInstalled: (name, backup) =>
    `Installed ${escapeHtml(name)}.` +
    (backup ? ` The previous version is kept as <code>${escapeHtml(backup)}</code>.` : ''),
};

function traditional(replies: Replies): Replies {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(replies)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => toTraditional((value as (...a: unknown[]) => string)(...args))
        : toTraditional(value as string);
  }
  return out as unknown as Replies;
}

// Converted on first use: the Traditional converter is slow to build and many bots never
// need it in their first minutes.
let zhHant: Replies | undefined;

/** The bot's replies in `lang`. Traditional Chinese is converted from the Simplified text. */
export function repliesFor(lang: Lang): Replies {
  if (lang === 'zh-Hant') return (zhHant ??= traditional(zh));
  return lang === 'en' ? en : zh;
}
