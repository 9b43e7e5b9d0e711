#include "bot/core/prometheus_text.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "tests/prometheus_parser.h"

namespace approdo {
namespace {

TEST_CASE("label values escape backslash, double quote and line feed, and nothing else") {
  CHECK(PrometheusText::escape_label_value(R"(C:\dir)") == R"(C:\\dir)");
  CHECK(PrometheusText::escape_label_value(R"(say "hi")") == R"(say \"hi\")");
  CHECK(PrometheusText::escape_label_value("two\nlines") == R"(two\nlines)");
  CHECK(PrometheusText::escape_label_value("tab\tstays, as does فارسی") == "tab\tstays, as does فارسی");
  CHECK(PrometheusText::escape_label_value(R"(\"
)") == R"(\\\"\n)");
}

TEST_CASE("a family is HELP, TYPE, then its samples; numbers read back exactly") {
  PrometheusText out;
  out.family("approdo_x_total", "Things with a \\ and a\nline feed.", "counter");
  out.sample({}, 3);
  out.family("approdo_y", "Y.", "gauge");
  out.sample({{"priority", "urgent"}, {"problem", "a \"b\"\n"}}, 0.25);
  out.sample({{"priority", "normal"}, {"problem", ""}}, std::numeric_limits<double>::quiet_NaN());
  out.sample({{"priority", "x"}, {"problem", "y"}}, 1e300);
  CHECK(out.text() ==
        "# HELP approdo_x_total Things with a \\\\ and a\\nline feed.\n"
        "# TYPE approdo_x_total counter\n"
        "approdo_x_total 3\n"
        "# HELP approdo_y Y.\n"
        "# TYPE approdo_y gauge\n"
        "approdo_y{priority=\"urgent\",problem=\"a \\\"b\\\"\\n\"} 0.25\n"
        "approdo_y{priority=\"normal\",problem=\"\"} NaN\n"
        "approdo_y{priority=\"x\",problem=\"y\"} 1e+300\n");
  auto parsed = testing::parse_prometheus(out.text());
  CHECK(parsed.error == "");
  CHECK(parsed.value("approdo_y{priority=\"urgent\",problem=\"a \"b\"\n\"}") == 0.25);
  CHECK(std::isnan(parsed.value("approdo_y{priority=\"normal\",problem=\"\"}")));
}

TEST_CASE("starting a family twice is refused: Prometheus would reject the whole page") {
  PrometheusText out;
  out.family("approdo_x", "X.", "gauge");
  CHECK_THROWS_AS(out.family("approdo_x", "X.", "gauge"), std::logic_error);
}

TEST_CASE("the tests' strict reader refuses what Prometheus refuses") {
  struct Case {
    const char* text;
    const char* error;  // the start of the reader's complaint
  };
  const Case cases[] = {
      {"a 1", "the text must end"},
      {"# comment\n", "line 1: a comment"},
      {"1a 1\n", "line 1: bad metric name"},
      {"a{b=\"c} 1\n", "line 1: label value not closed"},
      {"a{b=\"\\t\"} 1\n", "line 1: bad escape in label value"},
      {"a{b=\"c\",b=\"d\"} 1\n", "line 1: label twice"},
      {"a{__b=\"c\"} 1\n", "line 1: bad label name"},
      {"a 1\na 2\n", "line 2: series twice"},
      {"a 1\nb 1\na{x=\"y\"} 1\n", "line 3: samples of a family not together"},
      {"a 1\n# TYPE a gauge\n", "line 2: HELP/TYPE after"},
      {"# TYPE a gauge\n# TYPE a gauge\n", "line 2: second TYPE"},
      {"# TYPE a meter\n", "line 1: unknown type"},
      {"# TYPE a counter\na -1\n", "line 2: negative counter"},
      {"a one\n", "line 1: bad value"},
      {"a  1\n", "line 1: bad value"},
      {"# HELP a bad \\t escape\n", "line 1: bad escape in HELP"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(testing::parse_prometheus(c.text).error.rfind(c.error, 0) == 0);
  }
  CHECK(testing::parse_prometheus("# HELP a A.\n# TYPE a gauge\na{b=\"\\\\\"} +Inf\n\n").error == "");
}

}  // namespace
}  // namespace approdo
