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
  reloadRefused: string;
  reloadOk: (summary: ReloadSummary) => string;
  reloadFailed: (errors: string) => string;
  tooFast: string;
  shareButton: string;
  topicsButton: string;
  voteThanks: string;
  voteChanged: string;
  consoleIntro: string;
}

/** What the reload reply reports. */
export interface ReloadSummary {
  sections: number;
  diff: KnowledgeDiff;
  ms: number;
}

const list = (ids: string[]) =>
  ids.length === 0 ? '—' : ids.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ');

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
  reloadRefused: '抱歉，只有管理员可以重新加载知识库。',
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
  consoleIntro:
    '本地控制台模式：输入问题并回车，输入数字选择按钮，Ctrl+D 退出。要连接 Telegram，请在 .env 中设置 BOT_TOKEN。',
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
  reloadRefused: 'Sorry, only administrators can reload the knowledge base.',
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
  consoleIntro:
    'Local console mode: type a question and press Enter, type a number to press a button, Ctrl+D to quit. To connect Telegram, set BOT_TOKEN in .env.',
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

const byLang: Record<Lang, Replies> = { 'zh-Hans': zh, en, 'zh-Hant': traditional(zh) };

/** The bot's replies in `lang`. Traditional Chinese is converted from the Simplified text. */
export function repliesFor(lang: Lang): Replies {
  return byLang[lang];
}
