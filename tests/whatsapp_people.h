// People writing to the bot on WhatsApp, for the fault tests: signed notifications as Meta sends them, what
// each person received at a stand-in WhatsApp API, and the check that each got exactly the replies of a
// fault-free run, in order. Used from the test's thread.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/fake_provider.h"

namespace approdo::testing {

inline std::string phone_of(int person) { return "3933300000" + std::to_string(10 + person); }

// A text notification (tests/fixtures/whatsapp/text.json) from `phone`, its `n`-th message.
inline std::string whatsapp_text(const std::string& phone, int n, const std::string& text) {
  auto j = nlohmann::json::parse(read_fixture("whatsapp/text.json"));
  auto& value = j["entry"][0]["changes"][0]["value"];
  value["contacts"][0]["wa_id"] = phone;
  value["messages"][0]["from"] = phone;
  value["messages"][0]["id"] = "wamid.test." + phone + "." + std::to_string(n);
  value["messages"][0]["text"]["body"] = text;
  return j.dump();
}

// The messages the stand-in accepted (answered 2xx), per recipient, in order.
inline std::map<std::string, std::vector<std::string>> accepted_by_recipient(FakeProvider& api) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : api.requests())
    if (r.status >= 200 && r.status < 300) out[nlohmann::json::parse(r.body).value("to", "")].push_back(r.body);
  return out;
}

// Waits until the stand-in got at least `n` requests and then nothing more for 0.7 s.
inline void settle(FakeProvider& api, std::size_t n) {
  api.wait_for(n);
  std::size_t seen = 0;
  while (api.requests().size() != seen) {
    seen = api.requests().size();
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
}

// Checks that every person got exactly `want`'s replies, in order; a reply repeated right after itself is
// counted (a resend after a crash mid-send) instead of failing. Returns how many such repeats there were.
inline int check_same_replies(const std::map<std::string, std::vector<std::string>>& want,
                              const std::map<std::string, std::vector<std::string>>& got) {
  int repeats = 0;
  CHECK(got.size() == want.size());
  for (const auto& [recipient, expected] : want) {
    const std::string& to = recipient;  // a copy the CAPTURE lambda may use (clang: no structured bindings)
    CAPTURE(to);
    auto it = got.find(to);
    const std::vector<std::string> none;
    const auto& actual = it == got.end() ? none : it->second;
    std::size_t j = 0;
    for (const auto& body : actual) {
      if (j < expected.size() && body == expected[j]) {
        ++j;
      } else if (j > 0 && body == expected[j - 1]) {
        ++repeats;
      } else {
        FAIL_CHECK("reply out of order or unexpected: " << body.substr(0, 160));
        break;
      }
    }
    CHECK(j == expected.size());  // nothing lost
  }
  return repeats;
}

}  // namespace approdo::testing
