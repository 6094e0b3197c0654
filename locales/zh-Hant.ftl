# 機器人自己的文字（簡體中文）。值是 Telegram HTML：保留標籤，只翻譯文字。
# 變數（{ $name }）傳入時已轉義；數字按原樣傳入。

no-answer = 抱歉，這個問題我還沒有可靠的答案。下面是我能回答的話題，點一個看看：
no-answer-in-group = 抱歉，這個問題我還沒有可靠的答案。私聊我傳送 /topics 可以看到我能回答的話題。
no-answer-nearest = 抱歉，這個問題我沒有可靠的答案。下面是最接近的話題，點一個看看，或查看全部話題：
no-answer-ask = 抱歉，這個問題我沒有可靠的答案。換個說法試試，或查看全部話題：
topics-page = 這些是我能回答的話題，第 { $page } 頁，共 { $pages } 頁（共 { $total } 個）；點一個即可：
topics-previous = ‹ 上一頁
topics-next = 下一頁 ›
related = 相關話題：
sources = 來源：
see-also-button = ↪ 另見：{ $title }
other-language = <i>這個回答還沒有中文版，下面是{ $language }版本。</i>
topics = 我能回答這些話題，點一個檢視：
welcome = 你好，{ $name }！我回答關於{ $about }的問題。直接發問題給我就行，比如“{ $example }”。傳送 /topics 檢視全部話題。
welcome-general = 你好，{ $name }！把問題發給我，比如“{ $example }”，我會按我的知識庫回答。傳送 /topics 檢視全部話題。
you-are-welcome = 不客氣！有別的問題隨時發給我。
help =
    <b>怎麼用</b>
    • 私聊：直接傳送你的問題。
    • 群聊：傳送 <code>/ask 你的問題</code>，或 @{ $bot } 提問，或回覆我的訊息。
    • 任意聊天：輸入 @{ $bot } 加問題，選擇答案發送。
    • /topics：全部話題。
non-text = 我只能讀文字訊息。請用文字把問題發給我，比如“{ $example }”
empty-question = 請在命令後面寫上問題，比如：<code>/ask { $example }</code>
ask-usage = 在群裡提問：<code>/ask 你的問題</code>，或者 @{ $bot } 你的問題。
unknown-section = 這個話題已經不存在了。下面是現在的話題：
reload-ok = ✅ 知識庫已重新載入：{ $sections } 個話題，用時 { $ms } 毫秒。
reload-threshold = 校準後的回答閾值：{ $threshold }
diff-added = 新增：{ $list }
diff-removed = 刪除：{ $list }
diff-changed = 修改：{ $list }
synonyms-changed = 同義詞表有改動。
synonyms-change = 同義詞表有改動。
reload-failed =
    ❌ 知識庫有錯誤，沒有載入，仍在使用原來的版本：
    <pre>{ $errors }</pre>
too-fast = 訊息發得太快了，請稍等幾秒再問。
share-button = 🔗 分享
topics-button = 📚 全部話題
vote-thanks = 謝謝你的反饋！
vote-changed = 已更新你的反饋。
vote-up-button = 👍
vote-down-button = 👎
vote-unknown = 這條回答太舊了，無法再評價。
console-intro = 本地控制台模式：輸入問題並回車，輸入數字選擇按鈕，Ctrl+D 退出。要連線 Telegram，請在 .env 中設定 BOT_TOKEN。
topics-with-links = 我能回答這些話題，點按鈕檢視，或複製連結分享：
inline-no-answer = 沒有找到答案，私聊問我
admin-only = 抱歉，只有管理員可以使用這個命令。
private-only = 請在和我的私聊裡使用這個命令。
feedback-off = 這個例項沒有記錄問題和反饋。
list-separator = ，
feedback-separator = ；
nothing = —
unanswered-none = <b>最近 { $days } 天沒有答案的問題</b>：共 { $total } 個。
unanswered-some = <b>最近 { $days } 天沒有答案的問題</b>：共 { $total } 個，按相似程度分組，最多的 { $groups } 組：
unanswered-wordings = （{ $wordings } 種說法）
downvoted-none = <b>👎 最多的話題</b>：沒有。
downvoted-some = <b>👎 最多的話題</b>：
stats-title = <b>統計</b>
stats-period = <b>最近 { $daysText } 天</b>：{ $questions } 個問題，{ $share } 有答案（{ $answered } 個）
stats-top = 熱門話題：{ $list }
stats-feedback = 反饋：{ $list }
upload-refused = 謝謝！不過只有管理員可以更新知識庫。有問題的話，直接用文字發給我就行。
upload-bad-name = “{ $name }”不是知識庫檔名：請傳送像 <code>02-esim.md</code> 這樣的話題檔案，或 <code>synonyms.yaml</code>（檔名裡不能有資料夾）。
upload-too-large = 檔案有 { $bytes } 位元組，超過了單個知識庫檔案 { $limit } 位元組的上限，沒有接收。
upload-download-failed = 無法從 Telegram 下載這個檔案，請稍後再發一次。
upload-invalid =
    ❌ { $name } 有錯誤，什麼都沒有改：
    <pre>{ $errors }</pre>
upload-ready = 📄 { $name } 檢查通過。確認後知識庫將有 { $sections } 個話題。
upload-ready-confirm = 傳送 /confirm 確認寫入，或 /cancel 放棄（{ $minutes } 分鐘後自動放棄）。
upload-nothing-pending = 沒有等待確認的檔案。請先把知識庫檔案發給我。
upload-cancelled = 已放棄 { $name }，知識庫沒有改動。
upload-installed = 已寫入 { $name }。
upload-installed-backup = 已寫入 { $name }。原來的版本儲存在 <code>{ $backup }</code>。
chart-title = 最近 { $days } 天每天的問題
chart-answered = 有答案
chart-unanswered = 沒有答案
chart-day = 日期
chart-questions = 問題數
chart-top-sections = 熱門話題
pick-another = 抱歉沒答好。哪個話題能回答你的問題？點一個，下次我會記住：
none-of-these-button = ✖ 都不是
none-of-these-thanks = 謝謝，我們會補充這個問題的答案。
suggestions-header = <b>最近 { $days } 天的建議</b>：{ $wordings } 個使用者選出的說法，{ $groups } 組沒有答案的問題。
suggestions-empty = 最近 { $days } 天沒有待處理的建議。
suggestion-wording = 💡 使用者選出的說法 ×{ $count }：{ $example }
suggestion-unanswered = ❓ 沒有答案 ×{ $count }：{ $example }
suggestion-no-section = 沒有相近的話題
add-wording-button = ➕ 加為問法
choose-section-button = ↪ 換個話題
dismiss-button = 🗑 忽略
choose-section = “{ $example }”應該加到哪個話題？
suggestion-gone = 這條建議已經處理過或已過時。請重新發送 /suggestions。
suggestion-dismissed = 🗑 已忽略：{ $example }（以後不再列出）
wording-added = ✅ 已把“{ $example }”加到 <code>{ $file }</code> 的 <code>{ $list }</code>（現在 { $questions } 個問法）。
wording-backup = 原來的版本儲存在 <code>{ $backup }</code>。
wording-reloaded = 重新載入：修改了 { $list }。
wording-now-answered = 再問一次，現在用 { $section } 回答（得分 { $score }）。
wording-still-not = ⚠ 再問一次，仍然沒有用 { $section } 回答：可能還需要修改這個話題。
wording-present = “{ $example }”已經是 <code>{ $file }</code> 的問法了，沒有改動。
wording-failed =
    ❌ 沒能寫入 <code>{ $file }</code>，知識庫沒有改動：
    <pre>{ $errors }</pre>
