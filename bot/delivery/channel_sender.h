// ChannelSender: the threads of one push channel (Telegram, WhatsApp, SMS) that drain that channel's outbox.
// Each thread claims due replies (the oldest unsent one of each conversation, so a person's replies arrive in order),
// asks the channel's adapter to send each, and records the outcome: sent; retried later with exponential
// backoff or the provider's retry_after; dead after too many attempts or a permanent refusal; held when the
// provider's rules forbid sending now (for a caseworker to see). Everything it needs survives a restart in the
// store, so a crash loses nothing and sends nothing twice that the provider accepted.
//
// Counts in the bot's Metrics: replies the provider accepted (per channel and language), retries and dead
// letters (per channel).
//
// Several threads (RetryPolicy::threads) send at once, each on a connection of its own, because a send is a
// round trip to the provider and one at a time would cap a channel at one reply per round trip; order per
// person still holds, as a conversation's next reply is not claimed while one is in flight.
//
// Thread-safety: start()/stop() from the owner's thread; the work runs on the sender's own threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bot/core/channel.h"
#include "bot/core/metrics.h"
#include "bot/store/outbox_signal.h"
#include "bot/store/store.h"

namespace approdo::delivery {

struct RetryPolicy {
  int max_attempts = 8;
  int64_t first_backoff_ms = 2000;   // doubled per attempt, with up to 25% random jitter
  int64_t max_backoff_ms = 10 * 60 * 1000;
  int64_t per_address_interval_ms = 0;  // at least this long between two messages to one person (Telegram: 1 s)
  int max_per_second = 0;               // across the channel (Telegram: 30); 0 = no limit
  int threads = 1;                      // sends at once (1 where the limits above pace the whole channel)
};

// The family of replies accepted by the provider, shared with the web chat (whose page pulls its replies).
CounterFamily& sent_messages(Metrics& metrics);

class ChannelSender {
 public:
  ChannelSender(Store& store, Channel& channel, OutboxSignal& replies, Metrics& metrics, RetryPolicy policy = {});
  ~ChannelSender();  // stops

  void start();
  void stop();

 private:
  void run();
  // Sends one claimed reply and says what became of it (recorded by run(), with the rest of its claim).
  SendOutcome deliver(const OutboxRow& row);
  // Counts recorded outcomes (`outcomes[i]` is `rows[i]`'s).
  void count(const std::vector<OutboxRow>& rows, const std::vector<SendOutcome>& outcomes);

  // Waits as the rate limits require before sending to `address`.
  void pace(const std::string& address);

  Store& store_;
  Channel& channel_;
  std::mutex pace_mu_;                           // guards the two below (held while pacing waits)
  std::map<std::string, int64_t> last_sent_to_;  // address → ms
  std::deque<int64_t> recent_sends_;             // ms of sends in the last second
  OutboxSignal& replies_;
  const RetryPolicy policy_;
  std::atomic<bool> stopping_{false};
  CounterFamily& sent_;  // by channel and language
  Counter &retries_, &dead_;
  std::vector<std::thread> threads_;
};

}  // namespace approdo::delivery
