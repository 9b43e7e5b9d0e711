#include "bot/text/normalize.h"

#include <doctest/doctest.h>

namespace approdo::text {
namespace {

TEST_CASE("folding makes two spellings of a word meet") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"Questura", "questura"},
      {"  Où   est\tla  PRÉFECTURE ? ", "ou est la prefecture ?"},
      {"ça", "ca"},
      {"ＡＢＣ１２", "abc12"},                  // fullwidth
      {"أنا إسمي آدم", "انا اسمی ادم"},         // alef variants, yeh
      {"مُسَاعَدَة", "مساعده"},                 // tashkeel removed, teh marbuta → heh
      {"كيف", "کیف"},                          // Arabic kaf/yeh → Persian forms
      {"مـــرحبا", "مرحبا"},                    // tatweel
      {"می‌خواهم", "میخواهم"},                   // ZWNJ removed
      {"سؤال", "سوال"},                         // hamza on waw
      {"ښځه ټول ډېر ګډ ړوند ږغ ڼ ۍ", "ښځه ټول ډېر ګډ ړوند ږغ ڼ ۍ"},  // Pashto letters kept
      {"پ چ ژ گ", "پ چ ژ گ"},                  // Persian letters kept
      {"۱۶ سال ١٩", "16 سال 19"},              // Persian and Arabic-Indic digits
      {"Україна Їжа й", "україна їжа й"},     // Cyrillic letters with marks kept
      {"\u200Fabc\u202E", "abc"},             // bidi controls removed
      {"", ""},
      {"😀 ok", "😀 ok"},
      {"J’ai b’є", "j'ai b'є"},                // apostrophe variants
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(fold(c.in) == c.out);
  }
}

TEST_CASE("folding survives invalid UTF-8") { CHECK(fold("a\xFF" "B") == "a\xEF\xBF\xBD" "b"); }

TEST_CASE("NFC and bidi checks") {
  CHECK(is_nfc("é"));
  CHECK_FALSE(is_nfc("e\xCC\x81"));
  CHECK(is_nfc(""));
  CHECK(has_bidi_controls("abc\u200E"));
  CHECK(has_bidi_controls("\u2067x\u2069"));
  CHECK(has_bidi_controls("\u061C"));
  CHECK(has_bidi_controls("سلام\u202B"));
  // Their neighbours are not bidi controls: ZWJ, paragraph separator, narrow no-break space, word joiner,
  // U+206A, and Arabic letters around U+061C.
  CHECK_FALSE(has_bidi_controls("\u200D\u2029\u202F\u2060\u206A\u061B\u061D"));
  CHECK_FALSE(has_bidi_controls("سلام 112"));
}

}  // namespace
}  // namespace approdo::text
