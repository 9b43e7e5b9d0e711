#include "bot/text/fold_memo.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bot/text/normalize.h"

namespace approdo::text {
namespace {

TEST_CASE("fold memo: the same as folding the whole text, piece by piece or not") {
  FoldMemo memo;
  for (const char* t : {"Ciao  Città", "  A\tB  ", "a \u0301b", "x \u00A8y", "\u0640ب ب", "je t’aime", "ﬁle Ⅻ ㎏",
                        "", " ", "مرحبا\u200c بك", "Київ ї"})
    CHECK(memo.fold(t) == fold(t));
}

TEST_CASE("fold memo: agrees with fold on random mixes of the characters folding treats specially") {
  // Spaces of several kinds, combining marks (Latin, Arabic), format characters, tatweel, characters whose
  // compatibility form starts with a space or a mark (¨, ΅), ligatures, letters of several scripts, digits.
  const std::vector<std::string> pool = {" ", " ", " ", "\u00A0", "\t", "\u2003", "\u0301", "\u064e", "\u0670",
                                         "\u200c", "\u200d", "\u200f", "\u0640", "\u00A8", "\u0385", "ﬁ", "Ⅻ",
                                         "ﷲ", "ﻻ", "a", "É", "e", "ß", "ǅ", "ب", "ی", "أ", "ك", "ж", "Ї", "й",
                                         "7", "٣", "'", "’", "`", "-", "«", "😀"};
  uint32_t seed = 2026;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  FoldMemo memo;  // one memo for every text, as the matcher uses it: pieces come back from earlier texts
  for (int n = 0; n < 20000; ++n) {
    std::string t;
    for (int k = next() % 10; k >= 0; --k) t += pool[next() % pool.size()];
    if (memo.fold(t) != fold(t)) FAIL_CHECK("memo differs for: '" << t << "': '" << memo.fold(t) << "' vs '" << fold(t) << "'");
  }
}

}  // namespace
}  // namespace approdo::text
