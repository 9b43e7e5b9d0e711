#include "bot/text/stem.h"

#include <libstemmer.h>
#include <unicode/unistr.h>

#include <array>
#include <unordered_map>
#include <vector>

namespace approdo::text {
namespace {

// Light suffix stripping for languages without a Snowball stemmer. Suffixes are tried longest first; one is
// removed when at least `min_stem` code points remain, so short words are left alone.
struct SuffixRules {
  std::vector<std::u16string> prefixes;
  std::vector<std::u16string> suffixes;
  int min_stem = 3;
};

const SuffixRules& rules_for(std::string_view lang) {
  // Dari/Farsi: plural ها/ان/ات, ezafe/indefinite ی, comparative تر/ترین, possessive endings, verb prefix می.
  static const SuffixRules fa{{u"نمی", u"می"},
                              {u"هایشان", u"هایتان", u"هایمان", u"هایی", u"های", u"ترین", u"ها", u"تر", u"یان",
                               u"ان", u"ات", u"ام", u"اش", u"ای", u"یم", u"ید", u"ند", u"ی", u"م"},
                              3};
  // Pashto: plural and oblique endings (ونه, ګان, انو, ونو), feminine ې/ۍ/ه, verb endings.
  static const SuffixRules ps{{},
                              {u"ګانو", u"ګانې", u"ګان", u"ونو", u"ونه", u"انو", u"یانو", u"ان", u"ې", u"ۍ", u"ه",
                               u"و", u"ی", u"م"},
                              3};
  // Ukrainian: noun, adjective and verb endings (a light version of the usual Slavic stemmers).
  static const SuffixRules uk{{},
                              {u"ськими", u"ського", u"ованих", u"ування", u"ання", u"ення", u"ами",
                               u"ями", u"ові", u"еві", u"ого", u"ому", u"ими", u"ися", u"ться", u"ись", u"ть", u"ся", u"их", u"ий", u"ій", u"ої", u"ою", u"ею", u"ах", u"ях", u"ів",
                               u"ам", u"ям", u"ом", u"ем", u"ні", u"ня", u"а", u"я", u"о", u"е", u"у", u"ю", u"і",
                               u"и", u"ї", u"ь", u"й"},
                              3};
  // Arabic: the article and its attached prepositions, and plural/feminine/possessive endings. Snowball's Arabic
  // stemmer was tried and dropped: after our folding (ة → ه) it strips ه from some words and not others, and
  // it takes و for a conjunction inside words like وثائق.
  // A possessive after teh marbuta turns it into ت (مشكلة, مشكلتي "my problem"; اقامتك "your permit"): the ت
  // goes with the possessive, so both meet at مشکل (and یت with it, as یه goes: خصوصيتي, خصوصية). Only when
  // three letters stay (بيتي "my house" is kept).
  static const SuffixRules ar{{u"وال", u"بال", u"کال", u"فال", u"لل", u"ال"},
                              {u"یتکم", u"یتهم", u"یتها", u"یتنا", u"تکم", u"تهم", u"تها", u"تنا", u"یات", u"یتی",
                               u"یتک", u"یتو", u"تی", u"تک", u"تو", u"ات", u"ون", u"ین", u"ان", u"ها", u"یه", u"ه",
                               u"ی"},
                              3};
  static const SuffixRules none{};
  if (lang == "ar") return ar;
  if (lang == "fa") return fa;
  if (lang == "ps") return ps;
  if (lang == "uk") return uk;
  return none;
}

const char* snowball_name(std::string_view lang) {
  if (lang == "en") return "english";
  if (lang == "fr") return "french";
  if (lang == "it") return "italian";
  return nullptr;
}

}  // namespace

struct Stemmer::Impl {
  sb_stemmer* snowball = nullptr;
  const SuffixRules* rules = nullptr;
  // Words recur (a knowledge base of 30,000 texts has a few thousand distinct words): stems already made are
  // looked up, not made again. Bounded (about 2 MB at most per stemmer); emptied when full.
  std::unordered_map<std::string, std::string> memo;
  static constexpr std::size_t kMemoMax = 1 << 14;
  ~Impl() {
    if (snowball) sb_stemmer_delete(snowball);
  }
};

Stemmer::Stemmer(std::string_view lang) : impl_(std::make_unique<Impl>()) {
  if (const char* name = snowball_name(lang)) impl_->snowball = sb_stemmer_new(name, "UTF_8");
  impl_->rules = &rules_for(lang);
}

Stemmer::~Stemmer() = default;

std::string Stemmer::stem(std::string_view word) {
  if (word.empty()) return {};
  std::string key(word);
  if (auto it = impl_->memo.find(key); it != impl_->memo.end()) return it->second;
  std::string stem = make_stem(word);
  if (impl_->memo.size() >= Impl::kMemoMax) impl_->memo.clear();
  impl_->memo.emplace(std::move(key), stem);
  return stem;
}

std::string Stemmer::make_stem(std::string_view word) {
  if (impl_->snowball) {
    const sb_symbol* out =
        sb_stemmer_stem(impl_->snowball, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (!out) return std::string(word);
    std::string stem(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(impl_->snowball)));
    return stem.empty() ? std::string(word) : stem;
  }
  const SuffixRules& r = *impl_->rules;
  if (r.suffixes.empty() && r.prefixes.empty()) return std::string(word);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(word);
  std::u16string s(u.getBuffer(), static_cast<std::size_t>(u.length()));
  for (const auto& p : r.prefixes)
    if (s.size() >= p.size() + r.min_stem && s.compare(0, p.size(), p) == 0) {
      s.erase(0, p.size());
      break;
    }
  for (const auto& suf : r.suffixes)
    if (s.size() >= suf.size() + r.min_stem && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
      s.erase(s.size() - suf.size());
      break;
    }
  std::string out;
  icu::UnicodeString(s.data(), static_cast<int32_t>(s.size())).toUTF8String(out);
  return out;
}

}  // namespace approdo::text
