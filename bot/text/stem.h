// Stemming: reduces a folded word to a stem so that "papers"/"paper", "documents"/"document" meet.
// Snowball (libstemmer) for en, fr, it; light prefix/suffix rules of our own for ar, fa, ps, uk (no Snowball
// stemmer exists for fa, ps, uk; Snowball's Arabic one disagrees with our Arabic-script folding).
// NOT thread-safe (libstemmer keeps state): one Stemmer per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace approdo::text {

class Stemmer {
 public:
  explicit Stemmer(std::string_view lang);  // unknown language: identity stemmer
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // `word` is one folded word; returns its stem (never empty for a non-empty word).
  std::string stem(std::string_view word);

 private:
  std::string make_stem(std::string_view word);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace approdo::text
