#include "bot/text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <optional>

#include "bot/text/utf8.h"

namespace approdo::text {
namespace {

bool is_bidi_control(UChar32 c) {
  return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x061C;
}

// Arabic-script letter variants that people type interchangeably (keyboard layouts differ between Arabic,
// Persian and Pashto). Pashto- and Persian-only letters are deliberately absent: they carry meaning.
UChar32 unify_arabic_letter(UChar32 c) {
  switch (c) {
    case 0x0671:  // ٱ alef wasla
    case 0x0672:
    case 0x0673:
      return 0x0627;  // ا
    case 0x0649:  // ى alef maksura
    case 0x064A:  // ي Arabic yeh
      return 0x06CC;  // ی Persian yeh
    case 0x0643:  // ك Arabic kaf
      return 0x06A9;  // ک
    case 0x0629:  // ة teh marbuta
    case 0x06D5:  // ە (what ۀ decomposes to)
      return 0x0647;  // ه
    default:
      return c;
  }
}

bool is_arabic_mark(UChar32 c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) || (c >= 0x0610 && c <= 0x061A);
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Plain ASCII (most English and much Italian or French typed on phones) folds without ICU: lower case and
// one space between words. Same result as the general path, several times faster.
std::optional<std::string> fold_ascii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return std::nullopt;
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      pending_space = !out.empty();
      continue;
    }
    if (c < 0x20 || c == 0x7F || c == '`') return std::nullopt;  // controls and ` go through the full path
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  return out;
}

}  // namespace

std::string fold(std::string_view utf8) {
  if (auto ascii = fold_ascii(utf8)) return *ascii;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(utf8);
  std::string checked = is_valid_utf8(utf8) ? std::string() : scrub_utf8(utf8);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(checked.empty() ? utf8 : std::string_view(checked));
  // NFKC case folding also removes default-ignorable characters (ZWJ, ZWNJ, bidi controls, soft hyphen).
  icu::UnicodeString folded = casefold->normalize(in, status);
  icu::UnicodeString decomposed = nfd->normalize(folded, status);
  if (U_FAILURE(status)) return std::string(utf8);

  // Marks are dropped on Latin letters (é → e) and in Arabic script (harakat, hamza/madda above: أ → ا,
  // ؤ → و, ئ → ی), but kept on Cyrillic, where й and ї are letters of their own.
  icu::UnicodeString out;
  UScriptCode base_script = USCRIPT_COMMON;
  bool pending_space = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK) {
      if (is_arabic_mark(c) || base_script == USCRIPT_LATIN || base_script == USCRIPT_ARABIC) continue;
      out.append(c);
      continue;
    }
    if (type == U_FORMAT_CHAR || c == 0x0640 /* tatweel */) continue;
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (type == U_DECIMAL_DIGIT_NUMBER) c = '0' + u_charDigitValue(c);
    c = unify_arabic_letter(c);
    // Apostrophes: phones type ’ ʼ ` ´ where keyboards type ' ("j’ai", "б’є").
    if (c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB || c == 0x0060 || c == 0x00B4) c = '\'';
    if (pending_space) out.append(static_cast<UChar32>(' '));
    pending_space = false;
    UErrorCode s = U_ZERO_ERROR;
    base_script = uscript_getScript(c, &s);
    out.append(c);
  }
  icu::UnicodeString composed = nfc->normalize(out, status);
  std::string result;
  (U_FAILURE(status) ? out : composed).toUTF8String(result);
  return result;
}

bool is_nfc(std::string_view utf8) {
  if (is_ascii(utf8)) return true;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return true;
  bool yes = nfc->isNormalizedUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), status);
  return U_FAILURE(status) || yes;
}

bool has_bidi_controls(std::string_view utf8) {
  // Looked for in the UTF-8 bytes themselves (the loader checks every text of the knowledge base, so no
  // conversion): U+061C is D8 9C; U+200E-200F and U+202A-202E are E2 80 xx; U+2066-2069 are E2 81 xx.
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(utf8[i]); };
  for (std::size_t i = 0; i + 1 < utf8.size(); ++i) {
    if (byte(i) == 0xD8 && byte(i + 1) == 0x9C) return true;
    if (byte(i) != 0xE2 || i + 2 >= utf8.size()) continue;
    UChar32 c = 0x2000 | ((byte(i + 1) & 0x0F) << 6) | (byte(i + 2) & 0x3F);
    if ((byte(i + 1) == 0x80 || byte(i + 1) == 0x81) && is_bidi_control(c)) return true;
  }
  return false;
}

}  // namespace approdo::text
