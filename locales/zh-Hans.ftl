# 机器人自己的文字（简体中文）。值是 Telegram HTML：保留标签，只翻译文字。
# 变量（{ $name }）传入时已转义；数字按原样传入。

no-answer = 抱歉，这个问题我还没有可靠的答案。下面是我能回答的话题，点一个看看：
no-answer-in-group = 抱歉，这个问题我还没有可靠的答案。私聊我发送 /topics 可以看到我能回答的话题。
no-answer-nearest = 抱歉，这个问题我没有可靠的答案。下面是最接近的话题，点一个看看，或查看全部话题：
no-answer-ask = 抱歉，这个问题我没有可靠的答案。换个说法试试，或查看全部话题：
topics-page = 这些是我能回答的话题，第 { $page } 页，共 { $pages } 页（共 { $total } 个）；点一个即可：
topics-previous = ‹ 上一页
topics-next = 下一页 ›
related = 相关话题：
sources = 来源：
see-also-button = ↪ 另见：{ $title }
other-language = <i>这个回答还没有中文版，下面是{ $language }版本。</i>
topics = 我能回答这些话题，点一个查看：
welcome = 你好，{ $name }！我回答关于{ $about }的问题。直接发问题给我就行，比如“{ $example }”。发送 /topics 查看全部话题。
welcome-general = 你好，{ $name }！把问题发给我，比如“{ $example }”，我会按我的知识库回答。发送 /topics 查看全部话题。
you-are-welcome = 不客气！有别的问题随时发给我。
help =
    <b>怎么用</b>
    • 私聊：直接发送你的问题。
    • 群聊：发送 <code>/ask 你的问题</code>，或 @{ $bot } 提问，或回复我的消息。
    • 任意聊天：输入 @{ $bot } 加问题，选择答案发送。
    • /topics：全部话题。
non-text = 我只能读文字消息。请用文字把问题发给我，比如“{ $example }”
empty-question = 请在命令后面写上问题，比如：<code>/ask { $example }</code>
ask-usage = 在群里提问：<code>/ask 你的问题</code>，或者 @{ $bot } 你的问题。
unknown-section = 这个话题已经不存在了。下面是现在的话题：
reload-ok = ✅ 知识库已重新加载：{ $sections } 个话题，用时 { $ms } 毫秒。
reload-threshold = 校准后的回答阈值：{ $threshold }
diff-added = 新增：{ $list }
diff-removed = 删除：{ $list }
diff-changed = 修改：{ $list }
synonyms-changed = 同义词表有改动。
synonyms-change = 同义词表有改动。
reload-failed =
    ❌ 知识库有错误，没有加载，仍在使用原来的版本：
    <pre>{ $errors }</pre>
too-fast = 消息发得太快了，请稍等几秒再问。
share-button = 🔗 分享
topics-button = 📚 全部话题
vote-thanks = 谢谢你的反馈！
vote-changed = 已更新你的反馈。
vote-up-button = 👍
vote-down-button = 👎
vote-unknown = 这条回答太旧了，无法再评价。
console-intro = 本地控制台模式：输入问题并回车，输入数字选择按钮，Ctrl+D 退出。要连接 Telegram，请在 .env 中设置 BOT_TOKEN。
topics-with-links = 我能回答这些话题，点按钮查看，或复制链接分享：
inline-no-answer = 没有找到答案，私聊问我
admin-only = 抱歉，只有管理员可以使用这个命令。
private-only = 请在和我的私聊里使用这个命令。
feedback-off = 这个实例没有记录问题和反馈。
list-separator = ，
feedback-separator = ；
nothing = —
unanswered-none = <b>最近 { $days } 天没有答案的问题</b>：共 { $total } 个。
unanswered-some = <b>最近 { $days } 天没有答案的问题</b>：共 { $total } 个，按相似程度分组，最多的 { $groups } 组：
unanswered-wordings = （{ $wordings } 种说法）
downvoted-none = <b>👎 最多的话题</b>：没有。
downvoted-some = <b>👎 最多的话题</b>：
stats-title = <b>统计</b>
stats-period = <b>最近 { $daysText } 天</b>：{ $questions } 个问题，{ $share } 有答案（{ $answered } 个）
stats-top = 热门话题：{ $list }
stats-feedback = 反馈：{ $list }
upload-refused = 谢谢！不过只有管理员可以更新知识库。有问题的话，直接用文字发给我就行。
upload-bad-name = “{ $name }”不是知识库文件名：请发送像 <code>02-esim.md</code> 这样的话题文件，或 <code>synonyms.yaml</code>（文件名里不能有文件夹）。
upload-too-large = 文件有 { $bytes } 字节，超过了单个知识库文件 { $limit } 字节的上限，没有接收。
upload-download-failed = 无法从 Telegram 下载这个文件，请稍后再发一次。
upload-invalid =
    ❌ { $name } 有错误，什么都没有改：
    <pre>{ $errors }</pre>
upload-ready = 📄 { $name } 检查通过。确认后知识库将有 { $sections } 个话题。
upload-ready-confirm = 发送 /confirm 确认写入，或 /cancel 放弃（{ $minutes } 分钟后自动放弃）。
upload-nothing-pending = 没有等待确认的文件。请先把知识库文件发给我。
upload-cancelled = 已放弃 { $name }，知识库没有改动。
upload-installed = 已写入 { $name }。
upload-installed-backup = 已写入 { $name }。原来的版本保存在 <code>{ $backup }</code>。
chart-title = 最近 { $days } 天每天的问题
chart-answered = 有答案
chart-unanswered = 没有答案
chart-day = 日期
chart-questions = 问题数
chart-top-sections = 热门话题
pick-another = 抱歉没答好。哪个话题能回答你的问题？点一个，下次我会记住：
none-of-these-button = ✖ 都不是
none-of-these-thanks = 谢谢，我们会补充这个问题的答案。
suggestions-header = <b>最近 { $days } 天的建议</b>：{ $wordings } 个用户选出的说法，{ $groups } 组没有答案的问题。
suggestions-empty = 最近 { $days } 天没有待处理的建议。
suggestion-wording = 💡 用户选出的说法 ×{ $count }：{ $example }
suggestion-unanswered = ❓ 没有答案 ×{ $count }：{ $example }
suggestion-no-section = 没有相近的话题
add-wording-button = ➕ 加为问法
choose-section-button = ↪ 换个话题
dismiss-button = 🗑 忽略
choose-section = “{ $example }”应该加到哪个话题？
suggestion-gone = 这条建议已经处理过或已过时。请重新发送 /suggestions。
suggestion-dismissed = 🗑 已忽略：{ $example }（以后不再列出）
wording-added = ✅ 已把“{ $example }”加到 <code>{ $file }</code> 的 <code>{ $list }</code>（现在 { $questions } 个问法）。
wording-backup = 原来的版本保存在 <code>{ $backup }</code>。
wording-reloaded = 重新加载：修改了 { $list }。
wording-now-answered = 再问一次，现在用 { $section } 回答（得分 { $score }）。
wording-still-not = ⚠ 再问一次，仍然没有用 { $section } 回答：可能还需要修改这个话题。
wording-present = “{ $example }”已经是 <code>{ $file }</code> 的问法了，没有改动。
wording-failed =
    ❌ 没能写入 <code>{ $file }</code>，知识库没有改动：
    <pre>{ $errors }</pre>
