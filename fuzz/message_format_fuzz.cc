// libFuzzer target: ICU MessageFormat with the arguments the bot fills in (opening hours, counts, names of
// articles) and the patterns editors write in locales/. The input is split at its first NUL byte into a
// pattern and an argument value; the value is also read as a count for plural forms. The contract checked:
// no crash or sanitizer report, and valid UTF-8 in gives valid UTF-8 out.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bot/kb/locales.h"
#include "bot/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::size_t cut = input.find('\0');
  std::string pattern = input.substr(0, cut);
  std::string value = cut == std::string::npos ? "" : input.substr(cut + 1);
  approdo::Locales locales;
  for (const char* lang : {"en", "ar", "fa", "uk"})
    locales.locales_[lang] = approdo::Locale{lang, lang, {{"k", pattern}}, {}};
  long n = static_cast<long>(value.size()) - 3;
  for (const char* lang : {"en", "ar", "fa", "uk"}) {
    std::string text = locales.text(lang, "k", {{"hours", value}, {"title", value}, {"n", value}});
    std::string counted = locales.plural(lang, "k", "n", n);
    bool valid_in = approdo::text::is_valid_utf8(pattern) && approdo::text::is_valid_utf8(value);
    if (valid_in && (!approdo::text::is_valid_utf8(text) || !approdo::text::is_valid_utf8(counted))) std::abort();
  }
  return 0;
}
