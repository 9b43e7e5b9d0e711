#include "bot/text/tokenize.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>

#include "bot/text/normalize.h"
#include "bot/yaml/document.h"

namespace approdo::text {
namespace {

using V = std::vector<std::string>;

TEST_CASE("words keep letters and digits and drop punctuation") {
  CHECK(words("where is the questura?") == V{"where", "is", "the", "questura"});
  CHECK(words("j'ai 16 ans, c'est vrai!") == V{"j'ai", "16", "ans", "c'est", "vrai"});
  CHECK(words("من ۱۶ سال دارم") == V{"من", "۱۶", "سال", "دارم"});
  CHECK(words("зараз 3:00, допоможіть") == V{"зараз", "3", "00", "допоможіть"});
  CHECK(words("... !!! 😀") == V{});
  CHECK(words("") == V{});
}

// The fast path must never change a word: compared with the BreakIterator on tricky text and on every string
// of the knowledge base and the locales, folded as the matcher folds them.
TEST_CASE("words: the fast path splits exactly as ICU's BreakIterator") {
  const V tricky = {
      "e.g. 3.5 km, 1,000 euro; a:b l'école d’asile", "snake_case __x", "co-operation — fin", "«citation» (note)",
      "hello😀world 👍🏽ok", "١٢٣ ۴۵ 12abc abc12", "a\u0301b \u0301x", "שלום עולם", "こんにちは 世界", "ภาษาไทย",
      "ok?؟ نعم، لا؛", "ʼapostrophe", "x.y.z", "1/2 3+4 5%", "email@example.org https://a.b/c?d=e", "٫ ٬ ٫1",
      "кiт'", "'quoted'", ". , ; :", "tab\there", "ǅemal ǈj", "#hashtag @mention", "$5 €10 ₴20"};
  for (const auto& t : tricky) {
    CAPTURE(t);
    CHECK(words(t) == words_by_icu(t));
    CHECK(words(fold(t)) == words_by_icu(fold(t)));
  }
  std::size_t checked = 0;
  auto check_text = [&](const std::string& s) {
    std::string f = fold(s);
    if (words(f) != words_by_icu(f)) FAIL_CHECK("segmentation differs for: " << s);
    ++checked;
  };
  std::function<void(const yaml::Node&)> walk = [&](const yaml::Node& n) {
    if (n.is_scalar()) check_text(std::string(n.text()));
    for (yaml::Node item : n.items()) walk(item);
    for (auto [key, value] : n.entries()) walk(value);
  };
  for (const char* dir : {"/content", "/locales"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(APPRODO_SOURCE_DIR) + dir))
      if (e.path().extension() == ".yaml") {
        auto parsed = yaml::Document::parse_file(e.path().string());
        REQUIRE_MESSAGE(parsed.document, parsed.error.format());
        walk(parsed.document->root());
      }
  CHECK(checked > 10000);
}

TEST_CASE("words: the fast path and ICU agree on random mixes of the characters that matter") {
  // Letters of several scripts, marks, digits, joiners, separators, spaces, '@', '_', emoji with ZWJ and
  // modifiers, Thai and Han: every rule the fast path relies on, or hands to ICU, meets its neighbours.
  const std::vector<std::string> pool = {"a", "Z", "é", "e\u0301", "ж", "ї", "ب", "ی", "\u064e", "λ", "7", "٣",
                                         "'", "’", ".", ",", ":", ";", "٫", "،", "؟", "?", "-", "(", "«", " ",
                                         "\t", "@", "_", "#", "😀", "\u200d", "🏽", "ก", "ไ", "世", "ー", "א", "$"};
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  for (int n = 0; n < 20000; ++n) {
    std::string t;
    for (int k = next() % 9; k >= 0; --k) t += pool[next() % pool.size()];
    if (words(t) != words_by_icu(t)) FAIL_CHECK("segmentation differs for: " << t);
  }
}

}  // namespace
}  // namespace approdo::text
