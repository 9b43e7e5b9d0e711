#include "bot/kb/one_edit_index.h"

#include <algorithm>

namespace approdo {
namespace {

constexpr uint64_t kBase = 1099511628211ull;

// Powers of kBase, for the hash below.
struct Powers {
  uint64_t of[OneEditIndex::kMaxLetters + 1];
  constexpr Powers() : of{} {
    of[0] = 1;
    for (size_t i = 1; i <= OneEditIndex::kMaxLetters; ++i) of[i] = of[i - 1] * kBase;
  }
};
constexpr Powers kPowers;

// Arabic script is written without its vowels, so most of its words are a letter or two from another real
// word (بگیرم "I get", بمیرم "I die"); a letter typed for another is then a typo only when the two look alike
// (they differ by their dots) or sound alike. Other scripts take any letter for any.
bool may_replace(char32_t typed, char32_t meant) {
  auto arabic = [](char32_t c) { return c >= 0x0600 && c <= 0x06FF; };
  if (!arabic(typed) || !arabic(meant)) return true;
  static constexpr std::u32string_view kAlike[] = {
      U"بتثنیپ", U"جحخچ", U"حه", U"دذ", U"رزژ", U"سشصث", U"صض", U"طظ", U"تط", U"زذظض", U"عغ", U"عا", U"فق", U"کگ",
  };
  for (auto group : kAlike)
    if (group.find(typed) != group.npos && group.find(meant) != group.npos) return true;
  return false;
}

// 0 when equal, 1 when one insertion, deletion, substitution or swap of neighbours apart, else 2. The first
// letter must be the same: it is seldom the one misspelt, and many real words differ from a danger word
// only there (courir, mourir).
int distance_up_to_one(std::u32string_view a, std::u32string_view b) {
  if (a.empty() || b.empty() || a[0] != b[0]) return 2;
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return 2;
  size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    if (i == a.size()) return 0;
    if (a.substr(i + 1) == b.substr(i + 1)) return may_replace(a[i], b[i]) || may_replace(b[i], a[i]) ? 1 : 2;
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2) ? 1 : 2;
  }
  return a.substr(i + 1) == b.substr(i) ? 1 : 2;
}

void append_once(std::vector<std::string>& out, size_t first, std::string text) {
  if (std::find(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), text) == out.end())
    out.push_back(std::move(text));
}

}  // namespace

// A word's letters (code points), where each starts in its UTF-8 bytes, and the polynomial hashes of its
// starts (start[i]: of the first i letters), in fixed arrays: a message word is looked up without allocating,
// and the hash of any start with any one letter left out costs a few multiplications.
struct OneEditIndex::Letters {
  char32_t at[OneEditIndex::kMaxLetters];
  size_t byte[OneEditIndex::kMaxLetters + 1];
  uint64_t start[OneEditIndex::kMaxLetters + 1];
  size_t size = 0;
  std::u32string_view view() const { return {at, size}; }
  // The first `length` letters without the one at `skip` (none when skip >= length), mixed with the length
  // (splitmix64's finaliser: the map's buckets take the low bits).
  uint64_t hash(size_t length, size_t skip) const {
    uint64_t h = start[length];
    if (skip < length) {
      const uint64_t tail = start[length] - start[skip + 1] * kPowers.of[length - 1 - skip];
      h = start[skip] * kPowers.of[length - 1 - skip] + tail;
      --length;
    }
    h ^= length * 0x9E3779B97F4A7C15ull;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
  }
  bool read(std::string_view word);
};

// False when the word has a digit or more than kMaxLetters letters.
bool OneEditIndex::Letters::read(std::string_view word) {
  Letters& out = *this;
  out.size = 0;
  out.start[0] = 0;
  for (size_t i = 0; i < word.size();) {
    auto b = static_cast<uint8_t>(word[i]);
    if (out.size == OneEditIndex::kMaxLetters || (b >= '0' && b <= '9')) return false;
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (i + len > word.size()) return false;
    char32_t c = len == 1 ? b : b & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<uint8_t>(word[i + k]) & 0x3F);
    out.byte[out.size] = i;
    out.start[out.size + 1] = out.start[out.size] * kBase + c;
    out.at[out.size++] = c;
    i += len;
  }
  out.byte[out.size] = word.size();
  return true;
}

void OneEditIndex::Neighbourhood::add(const Letters& letters, std::string_view text) {
  auto [it, inserted] = ids.emplace(std::string(text), static_cast<uint32_t>(entries.size()));
  if (!inserted) return;
  const uint32_t id = it->second;
  for (size_t skip = 0; skip <= letters.size; ++skip) {  // skip == size: the word itself
    const uint64_t hash = letters.hash(letters.size, skip);
    mark(hash);
    auto& here = by_hash[hash];
    if (here.empty() || here.back() != id) here.push_back(id);  // a doubled letter gives one deletion twice
  }
  entries.push_back({std::u32string(letters.view()), std::string(text)});
}

template <typename Found>
void OneEditIndex::Neighbourhood::near(const Letters& letters, size_t length, Found&& found) const {
  const std::u32string_view start = letters.view().substr(0, length);
  for (size_t skip = 0; skip <= length; ++skip) {
    const uint64_t hash = letters.hash(length, skip);
    if (!maybe(hash)) continue;
    auto it = by_hash.find(hash);
    if (it == by_hash.end()) continue;
    for (uint32_t id : it->second)
      if (int d = distance_up_to_one(start, entries[id].letters); d <= 1) found(entries[id], d);
  }
}

void OneEditIndex::add(std::string_view word, bool prefix) {
  Letters letters;
  if (!letters.read(word) || letters.size < min_phrase_ || letters.size > max_phrase_) return;
  (prefix ? prefixes_ : words_).add(letters, word);
  if (!prefix) return;
  for (size_t span : {letters.size - 1, letters.size, letters.size + 1})
    if (auto at = std::lower_bound(prefix_spans_.begin(), prefix_spans_.end(), span);
        at == prefix_spans_.end() || *at != span)
      prefix_spans_.insert(at, span);
}

void OneEditIndex::add_known(std::string_view word) {
  if (std::vector<std::string> near; corrections(word, near), !near.empty()) {
    Letters letters;
    letters.read(word);
    known_.insert(letters.hash(letters.size, letters.size));
  }
}

void OneEditIndex::corrections(std::string_view word, std::vector<std::string>& out) const {
  Letters letters;
  if (!letters.read(word) || letters.size < min_message_ || letters.size > max_message_ ||
      known_.count(letters.hash(letters.size, letters.size)))
    return;
  const size_t first = out.size();
  words_.near(letters, letters.size, [&](const Entry& e, int d) {
    if (d == 1) append_once(out, first, e.text);
  });
  for (size_t span : prefix_spans_) {
    if (span > letters.size) break;
    prefixes_.near(letters, span, [&](const Entry& e, int d) {
      if (d == 1) append_once(out, first, e.text + std::string(word.substr(letters.byte[span])));
    });
  }
}

}  // namespace approdo
