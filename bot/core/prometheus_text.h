// PrometheusText: writes metrics in the Prometheus text exposition format 0.0.4 — a family's HELP and TYPE
// lines once, then its samples, label values escaped (backslash, double quote, line feed) and numbers written
// so Prometheus reads them back exactly. It does not sort: the caller writes families and samples in a stable
// order, each family's samples together (the format requires it).
//
// Used by Metrics::render and by /metrics (bot/server/) for the gauges read at scrape time. One writer per
// scrape; not shared between threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace approdo {

using Label = std::pair<std::string_view, std::string_view>;  // name, value

class PrometheusText {
 public:
  // Starts a family. `type`: "counter" or "gauge" (samples carry the family's own name: no _bucket/_sum
  // series). A family started twice is a programming error (std::logic_error): Prometheus would reject the
  // whole scrape.
  void family(std::string_view name, std::string_view help, std::string_view type);

  // One sample of the family last started. Counts are exact up to 2^53.
  void sample(std::initializer_list<Label> labels, double value) { sample(labels.begin(), labels.end(), value); }
  void sample(const std::vector<Label>& labels, double value) {
    sample(labels.data(), labels.data() + labels.size(), value);
  }

  const std::string& text() const { return out_; }

  // Label values as the format wants them inside double quotes.
  static std::string escape_label_value(std::string_view value);

 private:
  void sample(const Label* begin, const Label* end, double value);

  std::string out_;
  std::string current_;               // the family samples are written for
  std::vector<std::string> written_;  // every family started, to refuse a second start
};

}  // namespace approdo
