// LoginThrottle: slows down password guessing. Failed logins are counted per account name and per client
// address over a sliding window; past the limit, further attempts are refused without checking the password
// until the window has moved on. A success clears the account's count (not the address's: one person with
// the right password must not unlock guessing for others from the same address).
//
// In memory on purpose: a restart forgets counts, which costs an attacker a restart they cannot cause.
// Thread-safety: any thread (one mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace approdo::access {

struct ThrottleLimits {
  int per_account = 5;     // failures per account name within the window
  int per_address = 20;    // failures per client address within the window (shared NATs: higher)
  int64_t window_ms = 15 * 60 * 1000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleLimits limits = {}) : limits_(limits) {}

  // 0 when an attempt may go ahead now, else the milliseconds until it may.
  int64_t wait_ms(const std::string& account, const std::string& address, int64_t now_ms);
  void failed(const std::string& account, const std::string& address, int64_t now_ms);
  void succeeded(const std::string& account);

 private:
  using Failures = std::map<std::string, std::deque<int64_t>>;
  int64_t wait_for(Failures& failures, const std::string& key, int limit, int64_t now_ms);

  const ThrottleLimits limits_;
  std::mutex mu_;
  Failures by_account_, by_address_;
};

}  // namespace approdo::access
