// A strict reader of the Prometheus text exposition format 0.0.4, as the tests hold /metrics to it: every
// line is a HELP, a TYPE or a sample; names and label names as the format allows; label values only with the
// escapes \\, \" and \n; a family's HELP and TYPE at most once and before its samples, its samples together;
// no series twice; counters never negative; the text ends with a line feed. Written from the format's
// specification (prometheus.io/docs/instrumenting/exposition_formats), for the tests only.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace approdo::testing {

struct ParsedMetrics {
  std::string error;                     // "line N: problem"; empty when the whole text is valid
  std::map<std::string, double> series;  // `name{a="x",b="y"}` (label values unescaped) → value
  std::map<std::string, std::string> types;  // family → type

  // The value of one series, or -1 when it is absent (tests compare exact figures).
  double value(const std::string& series_text) const {
    auto it = series.find(series_text);
    return it == series.end() ? -1 : it->second;
  }
  // Every series of one family summed (0 when none).
  double sum(const std::string& family) const {
    double total = 0;
    for (const auto& [s, v] : series)
      if (s == family || s.rfind(family + "{", 0) == 0) total += v;
    return total;
  }
};

inline ParsedMetrics parse_prometheus(const std::string& text) {
  ParsedMetrics out;
  auto name_ok = [](const std::string& n, bool colon) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    for (char c : n)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && !(colon && c == ':')) return false;
    return true;
  };
  auto value_ok = [](const std::string& v, double* d) {
    if (v == "+Inf" || v == "-Inf" || v == "NaN") {
      *d = v == "NaN" ? std::nan("") : (v[0] == '+' ? HUGE_VAL : -HUGE_VAL);
      return true;
    }
    char* end = nullptr;
    *d = std::strtod(v.c_str(), &end);
    return !v.empty() && end == v.c_str() + v.size() && !std::isspace(static_cast<unsigned char>(v[0]));
  };
  if (text.empty() || text.back() != '\n') {
    out.error = "the text must end with a line feed";
    return out;
  }
  std::set<std::string> helped, typed, closed;  // closed: families other lines came after
  std::string current;                          // the family being read
  bool current_has_samples = false;
  auto enter = [&](const std::string& name) {
    if (name == current) return true;
    if (!current.empty()) closed.insert(current);
    if (closed.count(name)) return false;
    current = name;
    current_has_samples = false;
    return true;
  };
  int n = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++n;
    auto fail = [&](const std::string& why) {
      out.error = "line " + std::to_string(n) + ": " + why + ": " + line;
      return out;
    };
    if (line.empty()) continue;
    if (line[0] == '#') {
      bool help = line.rfind("# HELP ", 0) == 0, type = line.rfind("# TYPE ", 0) == 0;
      if (!help && !type) return fail("a comment that is neither HELP nor TYPE");
      std::string rest = line.substr(7);
      std::size_t sp = rest.find(' ');
      if (sp == std::string::npos) return fail("HELP/TYPE without text");
      std::string name = rest.substr(0, sp), arg = rest.substr(sp + 1);
      if (!name_ok(name, true)) return fail("bad metric name");
      if (!enter(name)) return fail("family continued after other lines");
      if (current_has_samples) return fail("HELP/TYPE after the family's samples");
      if (help) {
        if (!helped.insert(name).second) return fail("second HELP");
        for (std::size_t i = 0; i < arg.size(); ++i)
          if (arg[i] == '\\' && (i + 1 == arg.size() || (arg[i + 1] != '\\' && arg[i + 1] != 'n')))
            return fail("bad escape in HELP");
          else if (arg[i] == '\\')
            ++i;
      } else {
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!kTypes.count(arg)) return fail("unknown type");
        if (!typed.insert(name).second) return fail("second TYPE");
        out.types[name] = arg;
      }
      continue;
    }
    // A sample: name, optional {labels}, one space, value (we never write timestamps).
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    std::string name = line.substr(0, i);
    if (!name_ok(name, true)) return fail("bad metric name");
    if (!enter(name)) return fail("samples of a family not together");
    current_has_samples = true;
    std::string series = name;
    if (i < line.size() && line[i] == '{') {
      ++i;
      std::set<std::string> label_names;
      std::string labels;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) return fail("label without =");
        std::string label = line.substr(i, eq - i);
        if (!name_ok(label, false) || label.rfind("__", 0) == 0) return fail("bad label name");
        if (!label_names.insert(label).second) return fail("label twice");
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') return fail("label value not quoted");
        std::string value;
        for (++i; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] != '\\') {
            value += line[i];
            continue;
          }
          if (++i >= line.size()) return fail("escape at end of line");
          if (line[i] == 'n')
            value += '\n';
          else if (line[i] == '\\' || line[i] == '"')
            value += line[i];
          else
            return fail("bad escape in label value");
        }
        if (i >= line.size()) return fail("label value not closed");
        ++i;
        labels += (labels.empty() ? "" : ",") + label + "=\"" + value + "\"";
        if (i < line.size() && line[i] == ',') ++i;
        else if (i >= line.size() || line[i] != '}') return fail("expected , or }");
      }
      if (i >= line.size()) return fail("labels not closed");
      ++i;
      series += "{" + labels + "}";
    }
    if (i >= line.size() || line[i] != ' ') return fail("expected one space before the value");
    double v = 0;
    if (!value_ok(line.substr(i + 1), &v)) return fail("bad value");
    if (out.types.count(name) && out.types[name] == "counter" && v < 0) return fail("negative counter");
    if (!out.series.emplace(series, v).second) return fail("series twice");
  }
  return out;
}

}  // namespace approdo::testing
