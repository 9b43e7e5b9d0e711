#include "bot/dialogue/dialogue.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "bot/core/language.h"
#include "bot/kb/understanding.h"
#include "bot/text/bidi.h"
#include "bot/text/langid.h"
#include "bot/text/normalize.h"
#include "bot/text/number_choice.h"
#include "bot/text/tokenize.h"
#include "bot/text/utf8.h"

namespace approdo::dialogue {
namespace {

constexpr double kLanguageGuessFloor = 0.5;    // below: ask rather than guess
constexpr double kLanguageSwitchFloor = 0.8;   // an established conversation switches only on a clear signal
constexpr std::size_t kSwitchMinWords = 3;     // ...and only on a real sentence, not "ok" or "questura"
constexpr std::size_t kSummaryBytes = 500;
// The ids of the "did this help?" entries: the prefix, then the article (so an old button still says which).
constexpr std::string_view kFeedbackPrefix = "feedback:";
constexpr std::string_view kFeedbackYes = "feedback:yes:";
constexpr std::string_view kFeedbackNo = "feedback:no:";

// One turn in the making: the state being changed and the replies being collected, in one language.
class TurnBuilder {
 public:
  TurnBuilder(const Knowledge& kb, ConversationState state, std::string status, const DeskStatus& desk)
      : kb_(kb), desk_(desk) {
    turn_.state = std::move(state);
    turn_.status = status.empty() ? "bot" : std::move(status);
  }

  ConversationState& state() { return turn_.state; }
  Turn& turn() { return turn_; }
  const std::string& lang() const { return turn_.state.lang; }
  std::string lang_or_default() const { return lang().empty() ? std::string(kFallbackLanguage) : lang(); }

  std::string t(const std::string& key, const std::map<std::string, std::string>& args = {}) const {
    return kb_.locales->text(lang_or_default(), key, args);
  }

  OutboundMessage& say(const std::string& text, const std::string& source) {
    turn_.replies.push_back({text, {}, lang_or_default(), source});
    return turn_.replies.back();
  }
  OutboundMessage& say_key(const std::string& key, const std::map<std::string, std::string>& args = {}) {
    return say(t(key, args), "locale:" + key);
  }

  // The numbered list the person answers next; remembered so that "2" means the second entry.
  void offer(OutboundMessage& m, std::vector<Choice> choices) {
    m.choices = choices;
    turn_.state.choices = std::move(choices);
  }

  // A command word as a button label: the first word people may type for it, in capitals where the script
  // has them, so the button shows the very word the text tells them to type.
  std::string command_label(const std::string& command) const {
    for (const std::string& l : {lang_or_default(), std::string(kFallbackLanguage)}) {
      const Locale* loc = kb_.locales->find(l);
      if (!loc) continue;
      auto it = loc->commands.find(command);
      if (it == loc->commands.end() || it->second.empty()) continue;
      std::string w = it->second.front();
      for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return w;
    }
    return command;
  }

  std::vector<Choice> language_choices(const std::string& first) const {
    std::vector<Choice> out;
    auto add = [&](std::string_view code) {
      const Locale* loc = kb_.locales->find(std::string(code));
      if (!loc) return;
      for (const auto& c : out)
        if (c.id == "lang:" + std::string(code)) return;
      out.push_back({"lang:" + std::string(code), loc->language_name});
    };
    if (!first.empty()) add(first);
    for (auto code : kKnownLanguages) add(code);
    return out;
  }

  const ArticleText* article_text(const Article& a, bool* translated) const {
    const ArticleText* tx = a.in(lang_or_default());
    *translated = tx != nullptr;
    return tx ? tx : a.in(std::string(kFallbackLanguage));
  }

  std::string article_title(const std::string& id) const {
    const Article* a = kb_.content->find(id);
    if (!a) return id;
    bool translated;
    const ArticleText* tx = article_text(*a, &translated);
    return tx ? tx->title : id;
  }

  void main_menu() {
    auto& m = say_key("main_menu");
    std::vector<Choice> choices;
    for (const auto& c : kb_.content->menu) {
      auto it = c.label.find(lang_or_default());
      if (it == c.label.end()) it = c.label.find(std::string(kFallbackLanguage));
      choices.push_back({"menu:" + c.id, it == c.label.end() ? c.id : it->second});
    }
    offer(m, std::move(choices));
    turn_.state.category.clear();
    turn_.state.article.clear();
  }

  void category_menu(const std::string& id) {
    const MenuCategory* c = kb_.content->category(id);
    if (!c) return main_menu();
    auto it = c->label.find(lang_or_default());
    if (it == c->label.end()) it = c->label.find(std::string(kFallbackLanguage));
    auto& m = say_key("category_menu", {{"category", it == c->label.end() ? id : it->second}});
    std::vector<Choice> choices;
    for (const auto& a : c->articles) choices.push_back({"article:" + a, article_title(a)});
    offer(m, std::move(choices));
    turn_.state.category = id;
    turn_.state.article.clear();
  }

  std::vector<Choice> related_choices(const Article& a) const {
    std::vector<Choice> out;
    for (const auto& r : a.related)
      if (kb_.content->find(r)) out.push_back({"article:" + r, article_title(r)});
    return out;
  }

  // "Did this help?" as two entries after the related articles, so those keep their numbers 1..n.
  std::vector<Choice> feedback_choices(const std::string& id) const {
    return {{std::string(kFeedbackYes) + id, t("feedback_yes")}, {std::string(kFeedbackNo) + id, t("feedback_no")}};
  }

  FeedbackAsked* asked_about(const std::string& id) {
    for (auto& f : turn_.state.feedback)
      if (f.article == id) return &f;
    return nullptr;
  }

  // Whether the person is asked about `id` now. Once per article per conversation, and never about the emergency
  // numbers or a safety category's article: a child in danger is not asked to rate anything.
  bool ask_feedback(const std::string& id) {
    if (id == kEmergencyArticle || kb_.triage->is_category_article(id) || asked_about(id)) return false;
    auto& asked = turn_.state.feedback;
    if (asked.size() >= kFeedbackMemory) asked.erase(asked.begin(), asked.end() - (kFeedbackMemory - 1));
    asked.push_back({id, false});
    return true;
  }

  // The short answer, "more", and the related articles as the next numbered list, then "did this help?".
  void answer(const std::string& id) {
    const Article* a = kb_.content->find(id);
    if (!a) return main_menu();
    bool translated;
    const ArticleText* tx = article_text(*a, &translated);
    if (!tx) return main_menu();
    std::string text;
    if (!translated) text = t("not_translated") + "\n\n";
    text += tx->title + "\n" + tx->short_text;
    if (!tx->body.empty()) text += "\n\n" + t("answer_more_hint");
    auto choices = related_choices(*a);
    if (!choices.empty()) text += "\n\n" + t("related_intro");
    if (ask_feedback(id))
      for (auto& c : feedback_choices(id)) choices.push_back(std::move(c));
    auto& m = say(text, "article:" + id);
    offer(m, std::move(choices));
    turn_.state.article = id;
    turn_.state.more_sent = false;
    turn_.state.misses = 0;
    turn_.article_views.push_back(id);
  }

  void more() {
    const Article* a = kb_.content->find(turn_.state.article);
    if (!a || turn_.state.more_sent) {
      say_key("no_more");
      return;
    }
    bool translated;
    const ArticleText* tx = article_text(*a, &translated);
    std::string text = tx->body;
    std::vector<Choice> choices = related_choices(*a);
    text += "\n\n" + (choices.empty() ? t("menu_hint") : t("related_intro"));
    // The body goes on with the same answer: a "did this help?" still open stays in its list (not asked anew).
    if (const FeedbackAsked* asked = asked_about(a->id); asked && !asked->answered)
      for (auto& c : feedback_choices(a->id)) choices.push_back(std::move(c));
    auto& m = say(text, "article:" + a->id + "#body");
    offer(m, std::move(choices));
    turn_.state.more_sent = true;
  }

  // A tap on "did this help?" (a number, or a button of this or an older list): counted once per article, in
  // the conversation's language; a tap about an article never asked about is answered but not counted.
  void feedback(const std::string& article, bool helpful) {
    if (FeedbackAsked* asked = asked_about(article); asked && !asked->answered) {
      asked->answered = true;
      turn_.feedback.push_back({article, helpful});
    }
    // Answered: its entries leave the list, so their numbers no longer mean anything.
    std::erase_if(turn_.state.choices, [](const Choice& c) { return c.id.starts_with(kFeedbackPrefix); });
    if (helpful) {
      say(t("feedback_thanks") + "\n" + t("menu_hint"), "locale:feedback_thanks");
      return;
    }
    auto& m = say_key("feedback_sorry");
    offer(m, {{"menu:main", command_label("menu")}, {"cmd:human", command_label("human")}});
  }

  void back() {
    if (!turn_.state.article.empty() && !turn_.state.category.empty()) return category_menu(turn_.state.category);
    main_menu();
  }

  void ask_language(const std::string& detected) {
    bool known = !detected.empty() && kb_.locales->find(detected);
    auto& m = known ? say_key("language_detected") : say_key("choose_language");
    offer(m, language_choices(known ? detected : ""));
    turn_.state.stage = Stage::kChooseLanguage;
  }

  void handoff(const std::string& reason, const std::string& summary) {
    if (turn_.status == "handoff" && desk_.has_open_ticket) {
      say_key("handoff_waiting");
      return;
    }
    // The topic, for the caseworker: the section of the last article the person read, else of the menu shown.
    std::string topic = turn_.state.category;
    if (const Article* a = kb_.content->find(turn_.state.article)) topic = a->category;
    turn_.ticket = TicketRequest{reason, "normal", lang_or_default(), "", topic, summary};
    std::string text = kb_.locales->plural(lang_or_default(), "handoff_opened", "position",
                                           desk_.waiting_tickets ? desk_.waiting_tickets() : 0);
    if (!desk_.open_now) text += "\n" + t("handoff_closed_hours", {{"hours", t("opening_hours")}});
    say(text, "locale:handoff_opened");
    turn_.status = "handoff";
    turn_.state.choices.clear();
  }

  void urgent(const TriageResult& triage, const std::string& summary) {
    std::string numbers;
    if (const Article* e = kb_.content->find(kEmergencyArticle)) {
      bool translated;
      if (const ArticleText* tx = article_text(*e, &translated)) numbers = tx->short_text;
    }
    say(t("urgent_intro") + "\n" + numbers, std::string("article:") + kEmergencyArticle);
    if (triage.article != kEmergencyArticle && kb_.content->find(triage.article)) {
      const Article* a = kb_.content->find(triage.article);
      bool translated;
      if (const ArticleText* tx = article_text(*a, &translated)) {
        std::string text = tx->title + "\n" + tx->short_text;
        if (!tx->body.empty()) text += "\n\n" + t("answer_more_hint");
        say(text, "article:" + a->id);
        turn_.state.article = a->id;
        turn_.state.more_sent = false;
        turn_.article_views.push_back(a->id);
      }
    }
    std::string closing = t("urgent_ticket");
    if (!desk_.open_now) closing += "\n" + t("handoff_closed_hours", {{"hours", t("opening_hours")}});
    say(closing, "locale:urgent_ticket");
    turn_.ticket = TicketRequest{"urgent", "urgent", lang_or_default(), "", triage.category, summary};
    turn_.decision.triage = triage.category;
    turn_.status = "handoff";
    turn_.state.choices.clear();
  }

  // A free-text question: the matcher decides between an answer, "did you mean", and "not understood".
  void question(const std::string& text) {
    MatchResult r = kb_.matcher->match(text, lang_or_default());
    const bool confident = r.outcome == MatchResult::Outcome::kConfident;
    turn_.decision.match =
        confident ? "confident" : r.outcome == MatchResult::Outcome::kCloseCall ? "close_call" : "no_match";
    if (SmallTalk talk = kb_.locales->small_talk(text::fold(text), confident); talk != SmallTalk::kNone) {
      turn_.decision.match = "small_talk";
      say_key(talk == SmallTalk::kThanks ? "small_talk_thanks" : talk == SmallTalk::kBye ? "small_talk_bye"
                                                                                         : "small_talk_hello");
      return;
    }
    if (confident) return answer(r.article);
    std::string anonymised = anonymise_question(text);
    if (r.outcome == MatchResult::Outcome::kCloseCall) {
      turn_.unmatched.push_back({lang_or_default(), anonymised, "close_call"});
      std::vector<Choice> choices{{"article:" + r.article, article_title(r.article)}};
      for (const auto& alt : r.alternatives) {
        if (choices.size() == 3) break;
        choices.push_back({"article:" + alt, article_title(alt)});
      }
      auto& m = say(t("did_you_mean"), "locale:did_you_mean");
      m.text += "\n";  // the list follows; the hint closes the message
      offer(m, std::move(choices));
      say_key("did_you_mean_hint");
      return;
    }
    turn_.unmatched.push_back({lang_or_default(), anonymised, "no_match"});
    ++turn_.state.misses;
    Choice menu{"menu:main", command_label("menu")}, human{"cmd:human", command_label("human")};
    if (turn_.state.misses >= 2) {
      auto& m = say_key("no_match_again");
      offer(m, {human, menu});
    } else {
      auto& m = say_key("no_match");
      offer(m, {menu, human});
    }
  }

  void set_language(const std::string& code) {
    turn_.state.lang = code;
    turn_.state.stage = Stage::kReady;
  }

  // Bidi marks for right-to-left languages, applied once to everything said this turn.
  Turn finish() {
    for (auto& r : turn_.replies) {
      if (!is_rtl_language(r.lang)) continue;
      r.text = text::isolate_ltr_runs(r.text);
      for (auto& c : r.choices) c.label = text::isolate_ltr_runs(c.label);
    }
    return std::move(turn_);
  }

  const Knowledge& kb() const { return kb_; }
  const DeskStatus& desk() const { return desk_; }

 private:
  const Knowledge& kb_;
  const DeskStatus& desk_;
  Turn turn_;
};

// Language names people type instead of a number in the language list.
std::string language_from_name(const Knowledge& kb, const std::string& folded) {
  static const std::vector<std::pair<const char*, std::vector<const char*>>> kAliases = {
      {"en", {"english", "anglais", "inglese", "engl", "inglisi"}},
      {"fr", {"french", "francais", "français", "francese"}},
      {"ar", {"arabic", "arabe", "arabo", "عربی", "عربي", "العربیه", "arabi"}},
      {"fa", {"dari", "farsi", "persian", "persan", "فارسی", "دری", "دري"}},
      {"ps", {"pashto", "pashtu", "pushto", "pachto", "پښتو", "پشتو"}},
      {"uk", {"ukrainian", "ukrainien", "ucraino", "українська", "украинский", "украінська"}},
      {"it", {"italian", "italiano", "italien"}},
  };
  for (const auto& [code, names] : kAliases) {
    if (!kb.locales->find(code)) continue;
    for (const char* n : names)
      if (text::fold(n) == folded) return code;
    if (text::fold(kb.locales->find(code)->language_name) == folded) return code;
  }
  return "";
}

// The choice a message means: a button's id, a number from the last list, or the exact label of an entry.
std::optional<std::string> chosen(const ConversationState& s, const InboundMessage& msg, const std::string& folded) {
  if (msg.kind == InboundMessage::Kind::kChoice) {
    for (const auto& c : s.choices)
      if (c.id == msg.text) return c.id;
    // A button from an older list still says what the person wants.
    for (std::string_view known : {"article:", "menu:", "lang:", "cmd:", "feedback:"})
      if (msg.text.starts_with(known)) return msg.text;
    return std::nullopt;
  }
  if (auto n = text::read_choice_number(msg.text)) {
    if (*n >= 1 && static_cast<std::size_t>(*n) <= s.choices.size()) return s.choices[*n - 1].id;
    return std::string("invalid");
  }
  for (const auto& c : s.choices)
    if (!c.label.empty() && text::fold(c.label) == folded) return c.id;
  return std::nullopt;
}

bool is_command_choice(const std::string& id) { return id.rfind("cmd:", 0) == 0; }

void run_choice(TurnBuilder& b, const std::string& id, const std::string& summary) {
  if (id.rfind("lang:", 0) == 0) {
    std::string code = id.substr(5);
    if (!b.kb().locales->find(code)) return b.ask_language("");
    std::string pending = std::move(b.state().pending_question);
    b.state().pending_question.clear();
    b.set_language(code);
    b.say_key("language_set");
    if (!pending.empty()) return b.question(pending);
    return b.main_menu();
  }
  if (id == "menu:main") return b.main_menu();
  if (id.rfind("menu:", 0) == 0) return b.category_menu(id.substr(5));
  if (id.rfind("article:", 0) == 0) return b.answer(id.substr(8));
  if (id == "cmd:human") return b.handoff("asked", summary);
  if (id == "cmd:more") return b.more();
  if (id.starts_with(kFeedbackYes)) return b.feedback(id.substr(kFeedbackYes.size()), true);
  if (id.starts_with(kFeedbackNo)) return b.feedback(id.substr(kFeedbackNo.size()), false);
  b.main_menu();
}

}  // namespace

std::string anonymise_question(const std::string& text) {
  // Any decimal digit: people type ages and phone numbers in Persian (۱۶), Arabic-Indic (١٦) or fullwidth
  // digits as often as in ASCII ones.
  auto digit_at = [&](std::size_t i, std::size_t* next) {
    int32_t i32 = static_cast<int32_t>(i);
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i32, static_cast<int32_t>(text.size()), c);
    *next = static_cast<std::size_t>(i32);
    return c >= 0 && u_isdigit(c);
  };
  std::string out;
  out.reserve(text.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (digit_at(i, &next)) {
      // A run of digits and the separators inside numbers ("333 123 4567", "16/04/2010", "+39-333").
      while (i < text.size()) {
        if (digit_at(i, &next)) {
          i = next;
          continue;
        }
        char c = text[i];
        std::size_t after = 0;
        if ((c == ' ' || c == '-' || c == '.' || c == '/' || c == '+') && i + 1 < text.size() &&
            digit_at(i + 1, &after)) {
          ++i;
          continue;
        }
        break;
      }
      out += "#";
      continue;
    }
    if (text[i] == '@') {
      // Drop the word around an '@': e-mail addresses and @usernames.
      while (!out.empty() && out.back() != ' ') out.pop_back();
      while (i < text.size() && text[i] != ' ') ++i;
      out += "<email>";
      continue;
    }
    out += text[i++];
  }
  return out;
}

OutboundMessage handoff_ended_message(const Knowledge& kb, const std::string& lang) {
  std::string l = lang.empty() ? std::string(kFallbackLanguage) : lang;
  OutboundMessage m{kb.locales->text(l, "handoff_ended"), {}, l, "locale:handoff_ended"};
  if (is_rtl_language(l)) m.text = text::isolate_ltr_runs(m.text);
  return m;
}

Turn respond(const Knowledge& kb, ConversationState state, const std::string& status, const InboundMessage& msg,
             const DeskStatus& desk) {
  TurnBuilder b(kb, std::move(state), status, desk);
  auto& s = b.state();

  // Untrusted text: valid UTF-8, no control characters, bounded length.
  std::string raw = text::scrub_utf8(msg.text);
  bool too_long = raw.size() > kMaxMessageBytes;
  if (too_long) raw = std::string(text::truncate_utf8(raw, kMaxMessageBytes));
  const bool is_text = msg.kind == InboundMessage::Kind::kText;
  const bool is_media = msg.kind == InboundMessage::Kind::kMedia;
  std::string folded = text::fold(raw);
  std::string summary = std::string(text::truncate_utf8(raw, kSummaryBytes));

  auto detect = [&](const std::string& t) -> std::string {
    auto g = text::identify_language(t);
    if (g.confidence < kLanguageGuessFloor || !kb.locales->find(g.lang)) return "";
    return g.lang;
  };

  // 1. Safety first, in every state.
  if (is_text || is_media) {
    TriageResult triage = kb.triage->assess(raw);
    if (triage.urgent) {
      if (s.lang.empty()) {
        std::string guess = detect(raw);
        s.lang = guess.empty() ? std::string(kFallbackLanguage) : guess;
      }
      s.stage = Stage::kReady;
      // The emergency numbers go first whatever the match; it only picks the article that follows them.
      triage.article = urgent_article(kb, triage, kb.matcher->match(raw, s.lang));
      b.urgent(triage, summary);
      return b.finish();
    }
  }

  // 2. Commands, whole-message only.
  Command cmd = is_text ? kb.locales->command(b.lang_or_default(), folded) : Command::kNone;
  if (b.turn().status == "stopped") {
    if (cmd != Command::kStart) return b.finish();  // stopped means silent
    b.turn().status = desk.has_open_ticket ? "handoff" : "bot";
    b.say_key("started");
    return b.finish();
  }
  if (s.stage == Stage::kConfirmDelete) {
    s.stage = s.lang.empty() ? Stage::kNew : Stage::kReady;
    auto pick = chosen(s, msg, folded);
    if (cmd == Command::kYes || (pick && *pick == "cmd:yes")) {
      b.turn().erase = true;
      b.say_key("delete_done");
      ConversationState fresh;
      b.state() = fresh;
      b.turn().status = "bot";
      return b.finish();
    }
    if (cmd == Command::kNo || (pick && *pick == "cmd:no")) {
      s.choices.clear();
      b.say_key("delete_cancelled");
      return b.finish();
    }
    // Anything else: the person moved on; nothing is deleted and the message is handled as usual.
    b.say_key("delete_cancelled");
  }
  const bool is_new = s.stage == Stage::kNew;
  if (is_new && cmd != Command::kNone && cmd != Command::kYes && cmd != Command::kNo) {
    // A command as the very first message still gets the welcome line, in the language it was typed in.
    b.set_language(detect(raw));
    if (s.lang.empty()) s.lang = std::string(kFallbackLanguage);
    b.say_key("welcome_short");
  }
  switch (cmd) {
    case Command::kStop:
      b.turn().status = "stopped";
      s.choices.clear();
      b.say_key("stopped");
      return b.finish();
    case Command::kStart:
      b.say_key("started");
      return b.finish();
    case Command::kDelete: {
      auto& m = b.say_key("delete_confirm");
      b.offer(m, {{"cmd:yes", b.command_label("yes")}, {"cmd:no", b.command_label("no")}});
      s.stage = Stage::kConfirmDelete;
      return b.finish();
    }
    case Command::kHuman:
      b.handoff("asked", "");
      return b.finish();
    case Command::kMenu:
      b.main_menu();
      return b.finish();
    case Command::kBack:
      b.back();
      return b.finish();
    case Command::kMore:
      b.more();
      return b.finish();
    case Command::kLanguage:
      b.ask_language("");
      return b.finish();
    case Command::kHelp:
      b.say_key("help");
      return b.finish();
    case Command::kYes:
    case Command::kNo:
    case Command::kNone:
      break;
  }

  // 3. Handed off: the caseworker reads everything in the console; the bot does not talk over them.
  if (b.turn().status == "handoff") return b.finish();

  if (is_media) {
    if (s.lang.empty()) {
      b.set_language(std::string(kFallbackLanguage));
      b.say_key("welcome_short");
    }
    auto& m = b.say_key("media_received");
    b.offer(m, {{"cmd:human", b.command_label("human")}, {"menu:main", b.command_label("menu")}});
    return b.finish();
  }
  if (too_long) b.say_key("message_too_long");

  // 4. First contact: welcome; answer at once when the first message is already a clear question. A button
  // as the very first message (a language preset by a link or `approdo chat --lang`) is taken as a choice.
  if (is_new && msg.kind == InboundMessage::Kind::kChoice) {
    s.stage = Stage::kChooseLanguage;
  } else if (is_new) {
    std::string guess = detect(raw);
    if (!guess.empty() && is_text) {
      b.set_language(guess);
      MatchResult r = kb.matcher->match(raw, guess);
      if (r.outcome == MatchResult::Outcome::kConfident &&
          kb.locales->small_talk(folded, true) == SmallTalk::kNone) {  // "hi" is a greeting, not a question
        b.say_key("welcome_short");
        b.turn().decision.match = "confident";
        b.answer(r.article);
        return b.finish();
      }
    }
    s.lang = guess;
    b.say(b.t("welcome") + "\n" + b.t("privacy_line"), "locale:welcome");
    if (is_text && text::words(folded).size() >= kSwitchMinWords) s.pending_question = raw;
    b.ask_language(guess);
    return b.finish();
  }

  // 5. The language list is open: a number, a button, a language's name — or a question in some language.
  if (s.stage == Stage::kChooseLanguage) {
    auto pick = chosen(s, msg, folded);
    if (pick && pick->rfind("lang:", 0) == 0) {
      run_choice(b, *pick, summary);
      return b.finish();
    }
    if (std::string code = language_from_name(kb, folded); !code.empty()) {
      run_choice(b, "lang:" + code, summary);
      return b.finish();
    }
    std::string guess = detect(raw);
    if (!guess.empty() && is_text && text::words(folded).size() >= 2) {
      b.set_language(guess);
      b.question(raw);
      return b.finish();
    }
    auto& m = b.say_key("choice_invalid");
    b.offer(m, b.language_choices(s.lang));
    return b.finish();
  }

  // 6. A number or button from the last list.
  if (auto pick = chosen(s, msg, folded)) {
    if (*pick == "invalid") {
      auto& m = b.say_key("choice_invalid");
      b.offer(m, s.choices.empty() ? std::vector<Choice>{} : s.choices);
      if (s.choices.empty()) b.main_menu();
      return b.finish();
    }
    if (!is_command_choice(*pick) || *pick == "cmd:human" || *pick == "cmd:more") {
      run_choice(b, *pick, summary);
      return b.finish();
    }
  }
  if (!is_text || folded.empty()) {
    b.main_menu();
    return b.finish();
  }

  // 7. A free-text question, in the language it is written in.
  auto guess = text::identify_language(raw);
  if (guess.lang != s.lang && guess.confidence >= kLanguageSwitchFloor && kb.locales->find(guess.lang) &&
      text::words(folded).size() >= kSwitchMinWords)
    s.lang = guess.lang;
  b.question(raw);
  return b.finish();
}

}  // namespace approdo::dialogue
