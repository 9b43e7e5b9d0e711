#include "bot/delivery/channel_sender.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include <pthread.h>

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

void ChannelSender::start() {
  for (int i = 0; i < std::max(1, policy_.threads); ++i)
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), ("send-" + channel_.name()).substr(0, 15).c_str());  // top -H, perf
      run();
    });
}

void ChannelSender::stop() {
  stopping_ = true;
  replies_.ring();  // wake the threads that wait
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void ChannelSender::run() {
  const std::string name = channel_.name();
  constexpr int kClaim = 8;
  // Sent but not yet recorded (the database failed): recorded before anything more is claimed, so the
  // replies behind them (claimed only once these are no longer "sending") are not held up until a restart.
  std::vector<SendOutcome> unrecorded;
  std::vector<OutboxRow> unrecorded_rows;
  while (!stopping_ || !unrecorded.empty()) {
    uint64_t seen = replies_.generation(name);
    std::vector<OutboxRow> due;
    try {
      if (unrecorded.empty()) {
        // A few at a time: the other threads claim the next ones, so the sends overlap; their outcomes are
        // recorded in one transaction (a commit per reply was most of a send's cost). A full claim may have
        // left more behind: one more thread is woken to take them.
        due = store_.claim_due(name, kClaim);
        if (static_cast<int>(due.size()) == kClaim) replies_.pass_on(name);
        for (const auto& row : due) {
          // Shutting down: unclaimed for the next start.
          unrecorded.push_back(stopping_ ? SendOutcome{row.id, SendOutcome::Kind::kRetry, "", now_ms(), "shutdown"}
                                         : deliver(row));
        }
        unrecorded_rows = std::move(due);
      }
      store_.record_outcomes(unrecorded);
      count(unrecorded_rows, unrecorded);
      due = std::move(unrecorded_rows);
      unrecorded.clear();
      unrecorded_rows.clear();
    } catch (const std::exception& e) {
      // The database failed: what was sent is recorded on the next try; try again shortly.
      std::fprintf(stderr, "sender %s: %s\n", name.c_str(), e.what());
      if (stopping_) return;  // claimed rows are released on the next start and sent again
      replies_.wait_after(name, seen, std::chrono::seconds(1));
      continue;
    }
    if (!due.empty()) continue;  // more may be due (the next reply of each conversation)
    int64_t next = 0;
    try {
      next = store_.next_due_at(name);
    } catch (const std::exception&) {
    }
    // Nothing could be claimed. A reply that is due but was not claimed waits for an earlier reply to the same
    // person that another thread is sending; that thread sends it next, so this one rests a little (or until
    // new replies are saved) rather than asking again at once.
    constexpr int64_t kBlockedByInFlight = 20;
    int64_t wait_ms = next == 0 ? 60'000 : std::clamp<int64_t>(next - now_ms(), kBlockedByInFlight, 60'000);
    replies_.wait_after(name, seen, std::chrono::milliseconds(wait_ms));
  }
}

void ChannelSender::pace(const std::string& address) {
  if (policy_.per_address_interval_ms <= 0 && policy_.max_per_second <= 0) return;
  std::lock_guard lock(pace_mu_);
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
  if (policy_.per_address_interval_ms <= 0) return;
  last_sent_to_[address] = now_ms();
  if (last_sent_to_.size() > 10000) last_sent_to_.clear();  // bounded: only recent conversations matter
}

SendOutcome ChannelSender::deliver(const OutboxRow& row) {
  SendOutcome o;
  o.id = row.id;
  if (row.address.empty()) {  // the person erased their data, or the key changed: nobody to send to
    o.kind = SendOutcome::Kind::kDead;
    o.error = "no address";
    return o;
  }
  pace(row.address);
  SendResult r = channel_.send(row.address, row.msg);
  o.error = r.error;
  switch (r.outcome) {
    case SendResult::Outcome::kSent:
      o.kind = SendOutcome::Kind::kSent;
      o.provider_message_id = r.provider_message_id;
      return o;
    case SendResult::Outcome::kHeld:
      o.kind = SendOutcome::Kind::kHeld;
      return o;
    case SendResult::Outcome::kPermanent:
      o.kind = SendOutcome::Kind::kDead;
      return o;
    case SendResult::Outcome::kRetry:
      if (row.attempts + 1 >= policy_.max_attempts) {
        o.kind = SendOutcome::Kind::kDead;
        o.error = "gave up after " + std::to_string(row.attempts + 1) + " attempts: " + r.error;
        return o;
      }
      int64_t backoff = std::min(policy_.max_backoff_ms, policy_.first_backoff_ms << std::min(row.attempts, 20));
      // Jitter, so that replies that failed together (a provider outage) do not all retry in the same instant.
      thread_local std::mt19937_64 rng(std::random_device{}());
      backoff += static_cast<int64_t>(rng() % static_cast<uint64_t>(backoff / 4 + 1));
      o.kind = SendOutcome::Kind::kRetry;
      o.next_attempt_at = now_ms() + std::max(backoff, r.retry_after_ms);
      return o;
  }
  return o;
}

void ChannelSender::count(const std::vector<OutboxRow>& rows, const std::vector<SendOutcome>& outcomes) {
  for (std::size_t i = 0; i < outcomes.size() && i < rows.size(); ++i) {
    switch (outcomes[i].kind) {
      case SendOutcome::Kind::kSent: sent_.with({channel_.name(), or_unknown(rows[i].msg.lang)}).add(); break;
      case SendOutcome::Kind::kDead: dead_.add(); break;
      case SendOutcome::Kind::kRetry:
        if (outcomes[i].error != "shutdown") retries_.add();
        break;
      case SendOutcome::Kind::kHeld: break;
    }
  }
}

}  // namespace approdo::delivery
