// Knowledge: one consistent version of everything editors write (content + locales) with the indexes built
// from it. KnowledgeHolder keeps the current version and swaps in a new one only when it loads without errors:
// a broken edit never replaces the last good knowledge base. Readers take a shared_ptr and keep using their
// version for the whole message, so a reload in the middle of a conversation step changes nothing for it.
//
// Thread-safety: current() from any thread; reload() from one thread at a time (the watcher or SIGHUP).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/kb/content.h"
#include "bot/kb/locales.h"
#include "bot/kb/matcher.h"
#include "bot/kb/problem.h"
#include "bot/kb/safety.h"

namespace approdo {

struct Knowledge {
  std::shared_ptr<const Content> content;
  std::shared_ptr<const Locales> locales;
  std::unique_ptr<Matcher> matcher;
  std::unique_ptr<SafetyTriage> triage;
  int version = 0;
};

// Loads content and locales and builds the indexes; problems are returned (errors mean: do not use it).
struct KnowledgeLoad {
  std::shared_ptr<Knowledge> knowledge;
  std::vector<Problem> problems;
};
KnowledgeLoad load_knowledge(const std::string& content_dir, const std::string& locales_dir);

class KnowledgeHolder {
 public:
  KnowledgeHolder(std::string content_dir, std::string locales_dir);

  std::shared_ptr<const Knowledge> current() const;

  struct ReloadStatus {
    bool ok = true;                 // the last attempt succeeded
    int version = 0;                // version in use
    int64_t loaded_at_ms = 0;       // when the version in use was loaded
    std::vector<std::string> errors;  // of the last failed attempt, formatted
  };
  // Loads again; swaps in the new version if it has no errors. Returns whether it swapped.
  bool reload();
  // True when a file under the content or locales directory changed since the last reload (cheap mtime scan).
  bool changed_on_disk() const;
  ReloadStatus status() const;

 private:
  int64_t newest_mtime() const;

  std::string content_dir_, locales_dir_;
  mutable std::mutex mu_;
  std::shared_ptr<const Knowledge> current_;
  ReloadStatus status_;
  int64_t seen_mtime_ = 0;
  int next_version_ = 1;
};

}  // namespace approdo
