// Locales: everything the bot itself says, per language, from locales/<lang>.yaml (ICU MessageFormat), and
// the command words people type. Immutable once loaded; any thread. Formatting builds an ICU MessageFormat
// per call for strings with arguments (MessageFormat is not thread-safe), plain strings are returned as is.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/kb/problem.h"

namespace approdo {

enum class Command { kNone, kMenu, kBack, kMore, kLanguage, kHuman, kStop, kStart, kDelete, kHelp, kYes, kNo };

// Polite words that are not questions: "thanks bro", "ok bye", "salam". The bot answers them in kind instead
// of looking for an article (an article about brothers is not what "thank you brother" asks for).
enum class SmallTalk { kNone, kThanks, kBye, kHello };

struct Locale {
  std::string code, language_name;
  std::map<std::string, std::string> messages;
  std::map<std::string, std::vector<std::string>> commands;  // command name -> folded words
  std::map<std::string, std::vector<std::vector<std::string>>> small_talk;  // "thanks" -> phrases as folded words
  std::vector<std::string> address;  // small_talk.address: how people call whom they write to ("bro"), folded
};

class Locales {
 public:
  // Text of `key` in `lang` (falling back to English), with named arguments filled in.
  std::string text(const std::string& lang, const std::string& key,
                   const std::map<std::string, std::string>& args = {}) const;
  // Same, with one numeric argument (plural forms).
  std::string plural(const std::string& lang, const std::string& key, const std::string& arg, long n) const;
  // The command a whole message is: in `lang`, else English, else any language; `folded` is text::fold()
  // of the message.
  Command command(const std::string& lang, const std::string& folded) const;
  // Whether a short message is small talk: a thanks/bye/hello phrase of any language with at most two other
  // words ("thanks a lot bro"). When the matcher found an article with confidence, only the bare phrase counts
  // ("bonne nuit" is a goodbye, "thanks, permesso lost" is a question) — and words of address ("brother",
  // "ورور", "друже", any language's small_talk.address), which never make a question: "thank you brother" is
  // not about family tracing, however much the word "brother" means there. `folded` is text::fold() of the
  // message.
  SmallTalk small_talk(const std::string& folded, bool matched_confidently) const;
  // The locale of `lang`, or nullptr.
  const Locale* find(const std::string& lang) const;
  const std::map<std::string, Locale>& all() const { return locales_; }

  std::map<std::string, Locale> locales_;
};

struct LocalesLoad {
  std::shared_ptr<Locales> locales;
  std::vector<Problem> problems;
};

LocalesLoad load_locales(const std::string& dir);

}  // namespace approdo
