#include "bot/access/login_throttle.h"

#include <algorithm>

namespace approdo::access {

int64_t LoginThrottle::wait_for(Failures& failures, const std::string& key, int limit, int64_t now_ms) {
  auto it = failures.find(key);
  if (it == failures.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now_ms - limits_.window_ms) times.pop_front();
  if (times.empty()) {
    failures.erase(it);  // forgotten entries do not pile up
    return 0;
  }
  if (static_cast<int>(times.size()) < limit) return 0;
  // The oldest failure that keeps the count at the limit must leave the window.
  return times[times.size() - limit] + limits_.window_ms - now_ms;
}

int64_t LoginThrottle::wait_ms(const std::string& account, const std::string& address, int64_t now_ms) {
  std::lock_guard lock(mu_);
  return std::max(wait_for(by_account_, account, limits_.per_account, now_ms),
                  wait_for(by_address_, address, limits_.per_address, now_ms));
}

void LoginThrottle::failed(const std::string& account, const std::string& address, int64_t now_ms) {
  std::lock_guard lock(mu_);
  by_account_[account].push_back(now_ms);
  by_address_[address].push_back(now_ms);
}

void LoginThrottle::succeeded(const std::string& account) {
  std::lock_guard lock(mu_);
  by_account_.erase(account);
}

}  // namespace approdo::access
