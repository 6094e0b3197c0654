# The bot's own texts in English. Values are Telegram HTML: keep the tags, translate the words.
# Variables ({ $name }) arrive escaped; numbers arrive as written.

no-answer = Sorry, I don't have a reliable answer to that. These are the topics I can answer; tap one:
no-answer-in-group = Sorry, I don't have a reliable answer to that. Message me /topics in private to see what I can answer.
no-answer-nearest = Sorry, I don't have a reliable answer to that. These topics came nearest; tap one, or see them all:
no-answer-ask = Sorry, I don't have a reliable answer to that. Try other words, or see every topic:
topics-page = These are the topics I can answer, page { $page } of { $pages } ({ $total } in all); tap one:
topics-previous = ‹ Previous
topics-next = Next ›
related = Related topics:
sources = Sources:
see-also-button = ↪ See also: { $title }
other-language = <i>This answer is not written in English yet; here it is in { $language }.</i>
topics = These are the topics I can answer; tap one:
welcome = Hi { $name }! I answer questions about { $about }. Just send me a question, such as “{ $example }”. Send /topics for the full list.
welcome-general = Hi { $name }! Send me a question, such as “{ $example }”, and I answer it from my knowledge base. Send /topics for the full list.
you-are-welcome = You're welcome! Send me another question any time.
help =
    <b>How to use me</b>
    • In private: just send your question.
    • In a group: send <code>/ask your question</code>, mention @{ $bot }, or reply to one of my messages.
    • In any chat: type @{ $bot } and a question, then pick an answer to send.
    • /topics: every topic.
non-text = I can only read text. Please type your question, for example “{ $example }”
empty-question = Please put a question after the command, for example: <code>/ask { $example }</code>
ask-usage = To ask in a group: <code>/ask your question</code>, or @{ $bot } your question.
unknown-section = That topic no longer exists. These are the current topics:
reload-ok = ✅ Knowledge reloaded: { $sections } topics in { $ms } ms.
reload-threshold = Calibrated answer threshold: { $threshold }
diff-added = Added: { $list }
diff-removed = Removed: { $list }
diff-changed = Changed: { $list }
synonyms-changed = The synonyms changed.
synonyms-change = The synonyms change.
reload-failed =
    ❌ The knowledge has errors and was not loaded; the previous version is still in use:
    <pre>{ $errors }</pre>
too-fast = You are sending messages too fast; please wait a few seconds.
share-button = 🔗 Share
topics-button = 📚 All topics
vote-thanks = Thanks for the feedback!
vote-changed = Your feedback was updated.
vote-up-button = 👍
vote-down-button = 👎
vote-unknown = This answer is too old to vote on.
console-intro = Local console mode: type a question and press Enter, type a number to press a button, Ctrl+D to quit. To connect Telegram, set BOT_TOKEN in .env.
topics-with-links = These are the topics I can answer; tap one, or copy a link to share:
inline-no-answer = No answer found: ask me directly
admin-only = Sorry, only administrators can use this command.
private-only = Please use this command in a private chat with me.
feedback-off = This instance does not record questions and feedback.
list-separator = {", "}
feedback-separator = {"; "}
nothing = —
unanswered-none = <b>Unanswered questions, last { $days } days</b>: { $total } in total.
unanswered-some = <b>Unanswered questions, last { $days } days</b>: { $total } in total; the { $groups } most frequent, grouped by similarity:
unanswered-wordings = {" "}({ $wordings } wordings)
downvoted-none = <b>Most 👎</b>: none.
downvoted-some = <b>Most 👎</b>:
stats-title = <b>Statistics</b>
stats-period = <b>Last { $days ->
        [1] day
       *[other] { $daysText } days
    }</b>: { $questions } questions, { $share } answered ({ $answered })
stats-top = Top sections: { $list }
stats-feedback = Feedback: { $list }
upload-refused = Thanks, but only administrators can update the knowledge base. If you have a question, just send it as text.
upload-bad-name = “{ $name }” is not a knowledge file name: send a section file named like <code>02-esim.md</code>, or <code>synonyms.yaml</code> (no folders in the name).
upload-too-large = The file is { $bytes } bytes, over the { $limit }-byte limit for one knowledge file; it was not accepted.
upload-download-failed = The file could not be downloaded from Telegram; please send it again later.
upload-invalid =
    ❌ { $name } has errors; nothing was changed:
    <pre>{ $errors }</pre>
upload-ready = 📄 { $name } is valid. Once confirmed the knowledge will have { $sections } topics.
upload-ready-confirm = Send /confirm to install it or /cancel to drop it (dropped after { $minutes } minutes).
upload-nothing-pending = No upload is waiting: send me a knowledge file first.
upload-cancelled = Dropped { $name }; the knowledge is unchanged.
upload-installed = Installed { $name }.
upload-installed-backup = Installed { $name }. The previous version is kept as <code>{ $backup }</code>.
chart-title = Questions per day, last { $days } days
chart-answered = answered
chart-unanswered = unanswered
chart-day = day
chart-questions = questions
chart-top-sections = Top sections
pick-another = Sorry that did not help. Which topic answers your question? Tap one and I will remember it:
none-of-these-button = ✖ None of these
none-of-these-thanks = Thanks; we will add an answer to this question.
suggestions-header = <b>Suggestions, last { $days } days</b>: { $wordings } wordings users chose a topic for, { $groups } groups of unanswered questions.
suggestions-empty = No open suggestions in the last { $days } days.
suggestion-wording = 💡 Wording users chose ×{ $count }: { $example }
suggestion-unanswered = ❓ Unanswered ×{ $count }: { $example }
suggestion-no-section = no section is near
add-wording-button = ➕ Add as wording
choose-section-button = ↪ Another section
dismiss-button = 🗑 Dismiss
choose-section = Which section should “{ $example }” be added to?
suggestion-gone = This suggestion was handled already or is out of date. Send /suggestions again.
suggestion-dismissed = 🗑 Dismissed: { $example } (it will not be listed again)
wording-added = ✅ Added “{ $example }” to <code>{ $file }</code>, <code>{ $list }</code> (now { $questions } wordings).
wording-backup = The previous version is kept as <code>{ $backup }</code>.
wording-reloaded = Reloaded: changed { $list }.
wording-now-answered = Asked again, it is now answered with { $section } (score { $score }).
wording-still-not = ⚠ Asked again, it is still not answered with { $section }: the section may need more work.
wording-present = “{ $example }” is already a wording in <code>{ $file }</code>; nothing changed.
wording-failed =
    ❌ Could not write <code>{ $file }</code>; the knowledge is unchanged:
    <pre>{ $errors }</pre>
