#include "bot/delivery/channel_sender.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

namespace approdo::delivery {

CounterFamily& sent_messages(Metrics& metrics) {
  return metrics.counter("approdo_messages_sent_total",
                         "Replies the provider accepted (web chat: the page took them), by channel and language.",
                         {"channel", "lang"});
}

ChannelSender::ChannelSender(Store& store, Channel& channel, OutboxSignal& replies, Metrics& metrics,
                             RetryPolicy policy)
    : store_(store),
      channel_(channel),
      replies_(replies),
      policy_(policy),
      sent_(sent_messages(metrics)),
      retries_(metrics
                   .counter("approdo_outbox_retries_total",
                            "Sends that failed for a while (timeout, 5xx, 429) and will be tried again, by channel.",
                            {"channel"})
                   .with({channel.name()})),
      dead_(metrics
                .counter("approdo_outbox_dead_letters_total",
                         "Replies given up on (refused for good, too many attempts, no address), by channel.",
                         {"channel"})
                .with({channel.name()})) {}

ChannelSender::~ChannelSender() { stop(); }

void ChannelSender::start() { thread_ = std::thread([this] { run(); }); }

void ChannelSender::stop() {
  stopping_ = true;
  replies_.ring();  // wake the thread if it waits
  if (thread_.joinable()) thread_.join();
}

void ChannelSender::run() {
  const std::string name = channel_.name();
  while (!stopping_) {
    uint64_t seen = replies_.generation();
    std::vector<OutboxRow> due;
    try {
      due = store_.claim_due(name, 16);
      for (const auto& row : due) {
        if (stopping_) {
          store_.mark_retry(row.id, now_ms(), "shutdown");  // unclaimed for the next start
          continue;
        }
        deliver(row);
      }
    } catch (const std::exception& e) {
      // The database failed: rows stay claimed and are released on the next start; try again shortly.
      std::fprintf(stderr, "sender %s: %s\n", name.c_str(), e.what());
      replies_.wait_after(seen, std::chrono::seconds(1));
      continue;
    }
    if (!due.empty()) continue;  // more may be due (the next reply of each conversation)
    int64_t next = 0;
    try {
      next = store_.next_due_at(name);
    } catch (const std::exception&) {
    }
    int64_t wait_ms = next == 0 ? 60'000 : std::clamp<int64_t>(next - now_ms(), 0, 60'000);
    if (wait_ms > 0) replies_.wait_after(seen, std::chrono::milliseconds(wait_ms));
  }
}

void ChannelSender::pace(const std::string& address) {
  auto sleep_until = [&](int64_t t) {
    while (!stopping_ && now_ms() < t) std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(t - now_ms(), 50)));
  };
  if (policy_.per_address_interval_ms > 0) {
    auto it = last_sent_to_.find(address);
    if (it != last_sent_to_.end()) sleep_until(it->second + policy_.per_address_interval_ms);
  }
  if (policy_.max_per_second > 0) {
    while (!recent_sends_.empty() && recent_sends_.front() < now_ms() - 1000) recent_sends_.pop_front();
    if (static_cast<int>(recent_sends_.size()) >= policy_.max_per_second) sleep_until(recent_sends_.front() + 1000);
    recent_sends_.push_back(now_ms());
  }
  last_sent_to_[address] = now_ms();
  if (last_sent_to_.size() > 10000) last_sent_to_.clear();  // bounded: only recent conversations matter
}

void ChannelSender::deliver(const OutboxRow& row) {
  if (row.address.empty()) {  // the person erased their data, or the key changed: nobody to send to
    store_.mark_dead(row.id, "no address");
    dead_.add();
    return;
  }
  pace(row.address);
  SendResult r = channel_.send(row.address, row.msg);
  switch (r.outcome) {
    case SendResult::Outcome::kSent:
      store_.mark_sent(row.id, r.provider_message_id);
      sent_.with({channel_.name(), or_unknown(row.msg.lang)}).add();
      return;
    case SendResult::Outcome::kHeld:
      store_.mark_held(row.id, r.error);
      return;
    case SendResult::Outcome::kPermanent:
      store_.mark_dead(row.id, r.error);
      dead_.add();
      return;
    case SendResult::Outcome::kRetry:
      if (row.attempts + 1 >= policy_.max_attempts) {
        store_.mark_dead(row.id, "gave up after " + std::to_string(row.attempts + 1) + " attempts: " + r.error);
        dead_.add();
        return;
      }
      int64_t backoff = std::min(policy_.max_backoff_ms, policy_.first_backoff_ms << std::min(row.attempts, 20));
      // Jitter, so that replies that failed together (a provider outage) do not all retry in the same instant.
      thread_local std::mt19937_64 rng(std::random_device{}());
      backoff += static_cast<int64_t>(rng() % static_cast<uint64_t>(backoff / 4 + 1));
      store_.mark_retry(row.id, now_ms() + std::max(backoff, r.retry_after_ms), r.error);
      retries_.add();
      return;
  }
}

}  // namespace approdo::delivery
