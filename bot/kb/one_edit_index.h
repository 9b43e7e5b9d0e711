// The phrase words a misspelt word is one edit from: one letter left out, added or replaced, or two
// neighbouring letters swapped ("sucide", "bleding", "خودکسی", "покінчіти"). Safety triage reads a message
// word so misspelt as the phrase word, because a person in danger types fast, on a phone, in a second
// language. Words of five letters or more only, on both sides: a short word is one edit from too many others
// ("dye" from "die", "fill" from "kill"), so short words stay exact.
//
// Lookups go through the one-deletion neighbourhood: each phrase word and each of its one-letter deletions is
// indexed by a hash of its letters. Two words within one edit share an entry (one is a deletion of the other,
// or both give the same deletion), so a message word looks up itself and its own deletions — a number of
// lookups set by its length, not by the phrase list — and every candidate is verified by its real distance:
// a hash collision costs a comparison, never a false match. Nothing is allocated unless a correction is found.
// Built once with the triage; read-only after, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace approdo {

class OneEditIndex {
 public:
  static constexpr size_t kMinLetters = 5;
  // Longer words are not corrected: no phrase word is that long, and it bounds the work per word.
  static constexpr size_t kMaxLetters = 24;

  OneEditIndex() = default;
  // An index of other lengths: phrase words of `min_phrase`..`max_phrase` letters, message words of
  // `min_message`..`max_message`. Safety triage keeps a second one for short words ("kil", "pils", "hurtt"),
  // which it reads only inside a phrase whose other words are spelt exactly (safety.h).
  OneEditIndex(size_t min_phrase, size_t max_phrase, size_t min_message, size_t max_message)
      : min_phrase_(min_phrase), max_phrase_(max_phrase), min_message_(min_message), max_message_(max_message) {}

  // A phrase word (a triage key). `prefix` for a word ending in '*', which meets any word starting with it:
  // a message word then meets it when the word starts with a one-edit variant of it ("suicdal" for suicid*).
  void add(std::string_view word, bool prefix);

  // Appends to `out` what the message word `word` (a triage key) reads as: each phrase word it is one edit
  // from, and for a prefix phrase word, that prefix followed by the rest of `word`. A phrase word may get
  // others too: the phrases list misspellings of their own ("kil myslef" is a phrase; "myslef" still reads
  // as "myself"). Nothing for a known word (see add_known), and never for a word with a digit: "1122" is a
  // number, not a misspelt "112".
  void corrections(std::string_view word, std::vector<std::string>& out) const;

  // A word known to be spelt right (the knowledge base uses it: "ville", "انتظر"), which is then never read
  // as a phrase word it is one edit from ("viole", "انتحر"). Only such words are kept. After every add().
  void add_known(std::string_view word);

 private:
  struct Letters;  // a word decoded for lookup (one_edit_index.cc)
  struct Entry {
    std::u32string letters;
    std::string text;
  };
  // The whole phrase words and the prefixes, each with its own neighbourhood: a prefix is compared with the
  // start of a message word, a whole word with all of it.
  struct Neighbourhood {
    std::vector<Entry> entries;
    std::unordered_map<uint64_t, std::vector<uint32_t>> by_hash;  // of the letters, or of a one-deletion
    // One bit per hash in by_hash (its top kFilterBits bits), tested before the map: nearly every lookup is
    // for a word near no phrase word, and a bit of 128 KiB is cheaper to read than a bucket of the map.
    static constexpr unsigned kFilterBits = 20;
    std::vector<uint64_t> filter = std::vector<uint64_t>((size_t{1} << kFilterBits) / 64);
    static size_t bit(uint64_t hash) { return static_cast<size_t>(hash >> (64 - kFilterBits)); }
    void mark(uint64_t hash) { filter[bit(hash) / 64] |= uint64_t{1} << (bit(hash) % 64); }
    bool maybe(uint64_t hash) const { return (filter[bit(hash) / 64] >> (bit(hash) % 64)) & 1; }
    std::unordered_map<std::string, uint32_t> ids;                // each word once
    void add(const Letters& letters, std::string_view text);
    // Calls `found(entry, distance)` for each entry within one edit of the first `length` letters.
    template <typename Found>
    void near(const Letters& letters, size_t length, Found&& found) const;
  };
  size_t min_phrase_ = kMinLetters, max_phrase_ = kMaxLetters, min_message_ = kMinLetters,
         max_message_ = kMaxLetters;
  Neighbourhood words_, prefixes_;
  // How long the start of a message word compared with a prefix may be: each prefix's length, one less, one
  // more (a letter left out or added inside it). Sorted.
  std::vector<size_t> prefix_spans_;
  // Hashes of the known words one edit from a phrase word (a collision leaves a misspelling uncorrected).
  std::unordered_set<uint64_t> known_;
};

}  // namespace approdo
