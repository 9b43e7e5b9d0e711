#include "bot/core/metrics.h"

#include <stdexcept>

namespace approdo {

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

Counter& CounterFamily::with(std::initializer_list<std::string_view> values) {
  {
    std::shared_lock lock(mu_);
    auto it = samples_.find(values);
    if (it != samples_.end()) return *it->second;
  }
  if (values.size() != label_names_.size())
    throw std::invalid_argument(name_ + ": " + std::to_string(label_names_.size()) + " label values expected");
  std::unique_lock lock(mu_);
  auto [it, fresh] = samples_.try_emplace(std::vector<std::string>(values.begin(), values.end()));
  if (fresh) it->second = std::make_unique<Counter>();  // another thread may have made it meanwhile
  return *it->second;
}

int64_t CounterFamily::value(std::initializer_list<std::string_view> values) const {
  std::shared_lock lock(mu_);
  auto it = samples_.find(values);
  return it == samples_.end() ? 0 : it->second->value();
}

void CounterFamily::render(PrometheusText& out) const {
  out.family(name_, help_, "counter");
  std::shared_lock lock(mu_);
  std::vector<Label> labels(label_names_.size());
  for (const auto& [values, counter] : samples_) {
    for (std::size_t i = 0; i < values.size(); ++i) labels[i] = {label_names_[i], values[i]};
    out.sample(labels, static_cast<double>(counter->value()));
  }
  if (samples_.empty() && label_names_.empty()) out.sample({}, 0.0);  // an unlabelled counter reads 0 from the start
}

CounterFamily& Metrics::counter(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<CounterFamily>(std::string(name), std::string(help), std::move(label_names));
    return *families_.emplace(std::string(name), std::move(family)).first->second;
  }
  if (it->second->help() != help || it->second->label_names() != label_names)
    throw std::logic_error("metric " + std::string(name) + " asked for with different help or labels");
  return *it->second;
}

void Metrics::render(PrometheusText& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->render(out);
}

}  // namespace approdo
