#include "bot/kb/locales.h"

#include <unicode/msgfmt.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <functional>
#include <set>

#include "bot/core/language.h"
#include "bot/text/normalize.h"
#include "bot/text/tokenize.h"
#include "bot/yaml/document.h"

namespace approdo {
namespace fs = std::filesystem;

namespace {

const std::map<std::string, Command>& command_names() {
  static const std::map<std::string, Command> m = {
      {"menu", Command::kMenu},     {"back", Command::kBack},   {"more", Command::kMore},
      {"language", Command::kLanguage}, {"human", Command::kHuman}, {"stop", Command::kStop},
      {"start", Command::kStart},   {"delete", Command::kDelete}, {"help", Command::kHelp},
      {"yes", Command::kYes},       {"no", Command::kNo}};
  return m;
}

const std::map<std::string, SmallTalk>& small_talk_names() {
  static const std::map<std::string, SmallTalk> m = {
      {"thanks", SmallTalk::kThanks}, {"bye", SmallTalk::kBye}, {"hello", SmallTalk::kHello}};
  return m;
}

// Reads a mapping of names to lists of words (`commands`, `small_talk`); names must be in `known`.
template <typename Kind>
void read_word_lists(const yaml::Node& node, const std::string& what, const std::map<std::string, Kind>& known,
                     const std::function<void(const yaml::Node&, const std::string&)>& error,
                     const std::function<void(const std::string&, const std::string&)>& add) {
  for (auto [key, words] : node.entries()) {
    std::string name(key.text());
    if (!known.count(name)) {
      error(key, "unknown " + what + " '" + name + "'");
      continue;
    }
    if (!words.is_sequence()) {
      error(words, what + " '" + name + "' must be a list of words");
      continue;
    }
    for (yaml::Node w : words.items()) add(name, text::fold(w.text()));
  }
}

std::string icu_locale(const std::string& lang) {
  // Latin digits everywhere: phone numbers and menu numbers must look the same as in the content.
  return lang + "-u-nu-latn";
}

std::string format(const std::string& lang, const std::string& pattern, const icu::UnicodeString* names,
                   const icu::Formattable* values, int32_t count) {
  UErrorCode status = U_ZERO_ERROR;
  icu::MessageFormat mf(icu::UnicodeString::fromUTF8(pattern), icu::Locale(icu_locale(lang).c_str()), status);
  if (U_FAILURE(status)) return pattern;
  icu::UnicodeString out;
  mf.format(names, values, count, out, status);
  if (U_FAILURE(status)) return pattern;
  std::string s;
  out.toUTF8String(s);
  return s;
}

}  // namespace

const Locale* Locales::find(const std::string& lang) const {
  auto it = locales_.find(lang);
  return it == locales_.end() ? nullptr : &it->second;
}

std::string Locales::text(const std::string& lang, const std::string& key,
                          const std::map<std::string, std::string>& args) const {
  const std::string* pattern = nullptr;
  std::string used = lang;
  for (const std::string& l : {lang, std::string(kFallbackLanguage)}) {
    if (const Locale* loc = find(l)) {
      auto it = loc->messages.find(key);
      if (it != loc->messages.end()) {
        pattern = &it->second;
        used = l;
        break;
      }
    }
  }
  if (!pattern) return key;
  if (pattern->find('{') == std::string::npos && pattern->find('\'') == std::string::npos) return *pattern;
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  for (const auto& [k, v] : args) {
    names.push_back(icu::UnicodeString::fromUTF8(k));
    values.emplace_back(icu::UnicodeString::fromUTF8(v));
  }
  return format(used, *pattern, names.data(), values.data(), static_cast<int32_t>(names.size()));
}

std::string Locales::plural(const std::string& lang, const std::string& key, const std::string& arg, long n) const {
  const Locale* loc = find(lang);
  std::string used = lang;
  if (!loc || !loc->messages.count(key)) {
    loc = find(std::string(kFallbackLanguage));
    used = kFallbackLanguage;
  }
  if (!loc || !loc->messages.count(key)) return key;
  icu::UnicodeString name = icu::UnicodeString::fromUTF8(arg);
  icu::Formattable value(static_cast<int64_t>(n));
  return format(used, loc->messages.at(key), &name, &value, 1);
}

Command Locales::command(const std::string& lang, const std::string& folded) const {
  std::string s = folded;
  while (!s.empty() && (s.back() == '.' || s.back() == '!' || s.back() == ' ' || s.back() == '?')) s.pop_back();
  while (!s.empty() && (s.front() == '/' || s.front() == ' ')) s.erase(0, 1);
  if (s.empty()) return Command::kNone;
  auto in = [&](const Locale& loc) {
    for (const auto& [name, words] : loc.commands)
      for (const auto& w : words)
        if (w == s) return command_names().at(name);
    return Command::kNone;
  };
  // The conversation's language first, then English (works everywhere), then any language: a person who
  // switches script and types "меню" still reaches the menu.
  for (const std::string& l : {lang, std::string(kFallbackLanguage)})
    if (const Locale* loc = find(l))
      if (Command c = in(*loc); c != Command::kNone) return c;
  for (const auto& [code, loc] : locales_)
    if (Command c = in(loc); c != Command::kNone) return c;
  return Command::kNone;
}

SmallTalk Locales::small_talk(const std::string& folded, bool matched_confidently) const {
  constexpr size_t kMaxWords = 5;
  const size_t kMaxOtherWords = matched_confidently ? 0 : 2;
  std::vector<std::string> words = text::words(folded);
  if (words.empty() || words.size() > kMaxWords) return SmallTalk::kNone;
  auto is_address = [&](const std::string& w) {
    for (const auto& [code, loc] : locales_)
      if (std::find(loc.address.begin(), loc.address.end(), w) != loc.address.end()) return true;
    return false;
  };
  std::vector<std::string> said;  // the words that are not a form of address
  for (auto& w : words)
    if (!is_address(w)) said.push_back(std::move(w));
  if (said.empty()) return SmallTalk::kNone;  // "brother" alone is not small talk (nor a question we know)
  words = std::move(said);
  // Every language at once: people thank in whatever language comes first ("merci" in a Dari chat).
  for (const auto& [code, loc] : locales_)
    for (const auto& [name, phrases] : loc.small_talk)
      for (const auto& phrase : phrases) {
        if (phrase.empty() || phrase.size() > words.size() || words.size() - phrase.size() > kMaxOtherWords)
          continue;
        for (size_t i = 0; i + phrase.size() <= words.size(); ++i)
          if (std::equal(phrase.begin(), phrase.end(), words.begin() + i)) return small_talk_names().at(name);
      }
  return SmallTalk::kNone;
}

LocalesLoad load_locales(const std::string& dir) {
  LocalesLoad out;
  out.locales = std::make_shared<Locales>();
  auto problem = [&](const std::string& file, const yaml::Node& at, Problem::Severity s, const std::string& msg) {
    out.problems.push_back({file, at.line(), at.col(), s, msg});
  };
  if (!fs::is_directory(dir)) {
    out.problems.push_back({dir, 0, 0, Problem::Severity::kError, "locales directory not found"});
    return out;
  }
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files[e.path().stem().string()] = e.path().string();
  for (const auto& entry : files) {
    // Named copies: lambdas below capture them, which clang 14 refuses for structured bindings.
    const std::string& code = entry.first;
    const std::string& file = entry.second;
    auto parsed = yaml::Document::parse_file(file);
    if (!parsed.document) {
      out.problems.push_back({file, parsed.error.line, parsed.error.col, Problem::Severity::kError, parsed.error.message});
      continue;
    }
    yaml::Node root = parsed.document->root();
    if (!is_known_language(code)) {
      out.problems.push_back({file, 0, 0, Problem::Severity::kError, "unknown language file '" + code + "'"});
      continue;
    }
    if (!root.is_map()) {
      problem(file, root, Problem::Severity::kError, "a locale file must be a mapping");
      continue;
    }
    static const std::set<std::string> allowed = {"locale", "language_name", "updated", "native_review", "messages", "commands",
                                                  "small_talk"};
    for (auto [key, value] : root.entries())
      if (std::string k(key.text()); !allowed.count(k))
        problem(file, key, Problem::Severity::kError, "unknown key '" + k + "'");
    Locale loc;
    loc.code = code;
    if (auto locale = root.find("locale"); locale && locale->text() != code)
      problem(file, *locale, Problem::Severity::kError, "locale '" + std::string(locale->text()) + "' does not match the file name");
    if (auto name = root.find("language_name"); !name)
      problem(file, root, Problem::Severity::kError, "missing 'language_name'");
    else
      loc.language_name = name->text();
    auto msgs = root.find("messages");
    if (!msgs || !msgs->is_map()) {
      problem(file, msgs.value_or(root), Problem::Severity::kError, "'messages' must be a mapping");
    } else {
      for (auto [message_key, message] : msgs->entries()) {
        std::string key(message_key.text());
        if (!message.is_scalar()) {
          problem(file, message, Problem::Severity::kError, "message '" + key + "' must be text");
          continue;
        }
        std::string value(message.text());
        if (!text::is_nfc(value) || text::has_bidi_controls(value))  // UTF-8 already: the parser checks it
          problem(file, message, Problem::Severity::kError, "message '" + key + "' is not clean NFC text without direction controls");
        UErrorCode status = U_ZERO_ERROR;
        UParseError perr{};
        icu::MessageFormat mf(icu::UnicodeString::fromUTF8(value), icu::Locale(code.c_str()), perr, status);
        if (U_FAILURE(status))
          problem(file, message, Problem::Severity::kError,
                  "message '" + key + "' is not valid ICU MessageFormat (" + u_errorName(status) + " at offset " + std::to_string(perr.offset) + ")");
        loc.messages[key] = value;
      }
    }
    auto cmds = root.find("commands");
    if (!cmds || !cmds->is_map()) {
      problem(file, cmds.value_or(root), Problem::Severity::kError, "'commands' must be a mapping");
    } else {
      read_word_lists<Command>(
          *cmds, "command", command_names(),
          [&](const yaml::Node& at, const std::string& msg) { problem(file, at, Problem::Severity::kError, msg); },
          [&](const std::string& name, const std::string& w) { loc.commands[name].push_back(w); });
    }
    if (auto talk = root.find("small_talk")) {
      if (!talk->is_map())
        problem(file, *talk, Problem::Severity::kError, "'small_talk' must be a mapping");
      else {
        auto kinds = small_talk_names();
        kinds.emplace("address", SmallTalk::kNone);  // optional: not a kind of small talk, words that go with it
        read_word_lists<SmallTalk>(
            *talk, "small talk", kinds,
            [&](const yaml::Node& at, const std::string& msg) { problem(file, at, Problem::Severity::kError, msg); },
            [&](const std::string& name, const std::string& w) {
              if (name != "address") {
                loc.small_talk[name].push_back(text::words(w));
                return;
              }
              for (auto& word : text::words(w)) loc.address.push_back(std::move(word));
            });
      }
    }
    out.locales->locales_[code] = std::move(loc);
  }
  // Every language has every message and command of the English master.
  const Locale* en = out.locales->find("en");
  if (!en) {
    out.problems.push_back({dir, 0, 0, Problem::Severity::kError, "locales/en.yaml (the fallback) is missing"});
    return out;
  }
  for (auto l : kRequiredLanguages) {
    const Locale* loc = out.locales->find(std::string(l));
    if (!loc) {
      out.problems.push_back({dir + "/" + std::string(l) + ".yaml", 0, 0, Problem::Severity::kError, "missing locale file"});
      continue;
    }
    std::string file = files[std::string(l)];
    for (const auto& [k, v] : en->messages)
      if (!loc->messages.count(k))
        out.problems.push_back({file, 0, 0, Problem::Severity::kError, "missing message '" + k + "'"});
    for (const auto& [k, v] : en->commands)
      if (!loc->commands.count(k))
        out.problems.push_back({file, 0, 0, Problem::Severity::kError, "missing command words for '" + k + "'"});
    for (const auto& [k, v] : en->small_talk)
      if (!loc->small_talk.count(k))
        out.problems.push_back({file, 0, 0, Problem::Severity::kError, "missing small talk words for '" + k + "'"});
  }
  return out;
}

}  // namespace approdo
