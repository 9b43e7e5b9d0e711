#include "bot/kb/locales.h"

#include <doctest/doctest.h>

#include "bot/text/normalize.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

TEST_CASE("small talk: thanks, goodbye and greetings in short messages, in any language") {
  LocalesLoad load = load_locales(testing::source_dir() + "/locales");
  REQUIRE(load.problems.empty());
  const Locales& l = *load.locales;
  auto talk = [&](const char* text) { return l.small_talk(text::fold(text), false); };
  CHECK(talk("thanks bro") == SmallTalk::kThanks);
  CHECK(talk("Merci beaucoup mon frère !") == SmallTalk::kThanks);
  CHECK(talk("تشکر برادر") == SmallTalk::kThanks);
  CHECK(talk("ډېره مننه ورور") == SmallTalk::kThanks);
  CHECK(talk("дякую, бувай") != SmallTalk::kNone);
  CHECK(talk("bonne nuit") == SmallTalk::kBye);
  CHECK(talk("تصبح على خير") == SmallTalk::kBye);
  CHECK(talk("hi") == SmallTalk::kHello);
  CHECK(talk("السلام عليكم") == SmallTalk::kHello);
  // A question that starts politely is a question: too many other words.
  CHECK(talk("hello i lost my permesso") == SmallTalk::kNone);
  CHECK(talk("thanks but where is the questura") == SmallTalk::kNone);
  CHECK(talk("") == SmallTalk::kNone);
  CHECK(talk("permesso") == SmallTalk::kNone);
  // When an article matched with confidence, only the bare phrase is small talk.
  CHECK(l.small_talk(text::fold("bonne nuit"), true) == SmallTalk::kBye);
  CHECK(l.small_talk(text::fold("thanks, permesso lost"), true) == SmallTalk::kNone);
  // ... and words of address: whatever an article makes of "brother", a thanks to a brother is a thanks.
  CHECK(l.small_talk(text::fold("ډېره مننه ورور"), true) == SmallTalk::kThanks);
  CHECK(l.small_talk(text::fold("thank you my friend"), true) == SmallTalk::kThanks);
  CHECK(l.small_talk(text::fold("дякую, друже"), true) == SmallTalk::kThanks);
  CHECK(l.small_talk(text::fold("thanks brother, he is missing"), true) == SmallTalk::kNone);
  CHECK(talk("brother") == SmallTalk::kNone);  // a word of address alone says nothing
}

TEST_CASE("small talk words under an unknown name are an error at their line") {
  testing::ScratchDir d;
  std::string en = "locale: en\nlanguage_name: English\nmessages: {}\ncommands: {}\nsmall_talk:\n  thanx: [thanks]\n";
  d.write("en.yaml", en);
  LocalesLoad load = load_locales(d.path().string());
  bool found = false;
  for (const auto& p : load.problems)
    if (p.message == "unknown small talk 'thanx'") {
      found = true;
      CHECK(p.line == 6);
      CHECK(p.col == 3);
    }
  CHECK(found);
}

}  // namespace
}  // namespace approdo
