#include "bot/kb/knowledge.h"

#include <chrono>
#include <filesystem>
#include <future>
#include <limits>

#include "bot/kb/loader.h"

namespace approdo {
namespace fs = std::filesystem;

KnowledgeLoad load_knowledge(const std::string& content_dir, const std::string& locales_dir) {
  KnowledgeLoad out;
  ContentLoad c = load_content(content_dir);
  LocalesLoad l = load_locales(locales_dir);
  out.problems = std::move(c.problems);
  out.problems.insert(out.problems.end(), l.problems.begin(), l.problems.end());
  auto k = std::make_shared<Knowledge>();
  // Both read every article's words (the triage learns which are spelt right): built side by side, so the
  // triage's pass adds nothing to start-up or to a reload on two cores. get() rethrows what it threw.
  auto triage = std::async(std::launch::async, [&] { return std::make_unique<SafetyTriage>(*c.content); });
  k->matcher = std::make_unique<Matcher>(*c.content);
  k->triage = triage.get();
  k->content = std::move(c.content);
  k->locales = std::move(l.locales);
  out.knowledge = std::move(k);
  return out;
}

KnowledgeHolder::KnowledgeHolder(std::string content_dir, std::string locales_dir)
    : content_dir_(std::move(content_dir)), locales_dir_(std::move(locales_dir)) {}

std::shared_ptr<const Knowledge> KnowledgeHolder::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

KnowledgeHolder::ReloadStatus KnowledgeHolder::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

int64_t KnowledgeHolder::newest_mtime() const {
  // file_clock's epoch is implementation-defined (libstdc++: year 2174), so today's times may be negative.
  int64_t newest = std::numeric_limits<int64_t>::min();
  for (const auto& dir : {content_dir_, locales_dir_}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      auto t = it->last_write_time(ec);
      if (ec) continue;
      newest = std::max<int64_t>(newest, t.time_since_epoch().count());
    }
    // A deleted file changes its directory's mtime, which the scan above includes via the directories.
  }
  return newest;
}

bool KnowledgeHolder::changed_on_disk() const {
  int64_t m = newest_mtime();
  std::lock_guard lock(mu_);
  return m != seen_mtime_;
}

bool KnowledgeHolder::reload() {
  int64_t mtime = newest_mtime();
  KnowledgeLoad load = load_knowledge(content_dir_, locales_dir_);
  std::lock_guard lock(mu_);
  seen_mtime_ = mtime;
  if (has_errors(load.problems)) {
    status_.ok = false;
    status_.errors.clear();
    for (const auto& p : load.problems)
      if (p.severity == Problem::Severity::kError) status_.errors.push_back(p.format());
    return false;
  }
  load.knowledge->version = next_version_++;
  current_ = std::move(load.knowledge);
  status_.ok = true;
  status_.errors.clear();
  status_.version = current_->version;
  status_.loaded_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  return true;
}

}  // namespace approdo
