#include "bot/core/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace approdo {
namespace {

// HELP text escapes only backslash and line feed; label values also the double quote.
std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<int64_t>(v));  // counts read as counts, not 1.2e+01
  } else {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back as the same double
    out.append(buf, r.ptr);
  }
}

}  // namespace

std::string PrometheusText::escape_label_value(std::string_view value) { return escape(value, true); }

void PrometheusText::family(std::string_view name, std::string_view help, std::string_view type) {
  if (std::find(written_.begin(), written_.end(), name) != written_.end())
    throw std::logic_error("metric family written twice: " + std::string(name));
  written_.emplace_back(name);
  current_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape(help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::sample(const Label* begin, const Label* end, double value) {
  out_ += current_;
  if (begin != end) {
    out_ += '{';
    for (const Label* l = begin; l != end; ++l) {
      if (l != begin) out_ += ',';
      out_ += l->first;
      out_ += "=\"";
      out_ += escape(l->second, true);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  append_number(out_, value);
  out_ += '\n';
}

}  // namespace approdo
