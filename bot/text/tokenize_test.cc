#include "bot/text/tokenize.h"

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace approdo::text
