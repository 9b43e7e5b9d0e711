#include "bot/core/metrics.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/prometheus_parser.h"

namespace approdo {
namespace {

std::string render(const Metrics& m) {
  PrometheusText out;
  m.render(out);
  return out.text();
}

TEST_CASE("counters render by family name, then by label values, each family's HELP and TYPE once") {
  Metrics m;
  auto& sent = m.counter("approdo_sent_total", "Sent.", {"channel", "lang"});
  sent.with({"whatsapp", "fa"}).add(2);
  sent.with({"telegram", "en"}).add();
  sent.with({"whatsapp", "ar"}).add();
  m.counter("approdo_a_total", "Unlabelled, never counted.");
  m.counter("approdo_b_total", "Labelled, never counted.", {"channel"});
  CHECK(render(m) ==
        "# HELP approdo_a_total Unlabelled, never counted.\n"
        "# TYPE approdo_a_total counter\n"
        "approdo_a_total 0\n"
        "# HELP approdo_b_total Labelled, never counted.\n"
        "# TYPE approdo_b_total counter\n"
        "# HELP approdo_sent_total Sent.\n"
        "# TYPE approdo_sent_total counter\n"
        "approdo_sent_total{channel=\"telegram\",lang=\"en\"} 1\n"
        "approdo_sent_total{channel=\"whatsapp\",lang=\"ar\"} 1\n"
        "approdo_sent_total{channel=\"whatsapp\",lang=\"fa\"} 2\n");
  CHECK(testing::parse_prometheus(render(m)).error == "");
}

TEST_CASE("label values from outside are escaped; a value that needs escaping stays one series") {
  Metrics m;
  auto& f = m.counter("approdo_x_total", "X.", {"problem"});
  f.with({"a \"quoted\"\\path\nnext line"}).add();
  f.with({"a \"quoted\"\\path\nnext line"}).add();
  std::string text = render(m);
  CHECK(text.find("approdo_x_total{problem=\"a \\\"quoted\\\"\\\\path\\nnext line\"} 2\n") != std::string::npos);
  auto parsed = testing::parse_prometheus(text);
  CHECK(parsed.error == "");
  CHECK(parsed.value("approdo_x_total{problem=\"a \"quoted\"\\path\nnext line\"}") == 2);
}

TEST_CASE("asking for a family again gives the same one; with other help or labels it is a programming error") {
  Metrics m;
  auto& a = m.counter("approdo_x_total", "X.", {"channel"});
  CHECK(&m.counter("approdo_x_total", "X.", {"channel"}) == &a);
  CHECK_THROWS_AS(m.counter("approdo_x_total", "Other.", {"channel"}), std::logic_error);
  CHECK_THROWS_AS(m.counter("approdo_x_total", "X.", {"lang"}), std::logic_error);
  CHECK_THROWS_AS(a.with({"telegram", "en"}), std::invalid_argument);
  CHECK(&a.with({"telegram"}) == &a.with({"telegram"}));  // a sample never moves
  CHECK(a.value({"sms"}) == 0);
}

TEST_CASE("threads counting at once lose nothing, while the page is rendered") {
  Metrics m;
  auto& f = m.counter("approdo_x_total", "X.", {"channel", "lang"});
  const char* channels[] = {"telegram", "whatsapp", "twilio", "webchat"};
  const char* langs[] = {"en", "fr", "ar", "fa", "ps", "uk"};
  constexpr int kThreads = 8, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) f.with({channels[(t + i) % 4], langs[i % 6]}).add();  // new samples too
    });
  std::thread reader([&] {
    for (int i = 0; i < 50; ++i) CHECK(testing::parse_prometheus(render(m)).error == "");
  });
  for (auto& t : threads) t.join();
  reader.join();
  auto parsed = testing::parse_prometheus(render(m));
  REQUIRE(parsed.error == "");
  CHECK(parsed.sum("approdo_x_total") == kThreads * kEach);
  CHECK(parsed.series.size() == 24);
}

}  // namespace
}  // namespace approdo
