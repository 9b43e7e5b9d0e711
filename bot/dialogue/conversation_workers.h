// ConversationWorkers: the threads that run the dialogue. Conversations are sharded by key over a fixed set
// of workers, so one conversation is always handled by the same thread, one message at a time, in the order
// received — and different conversations run in parallel.
//
// A worker takes a conversation's unprocessed messages from the store, asks the dialogue engine what to do
// with each, and saves the new state, replies and ticket in one transaction per message. Work is driven by
// the store, not by the queue: after a crash, start() finds every message that was recorded but not yet
// answered and handles it.
//
// Thread-safety: submit() from any thread (the HTTP pool calls it after recording a webhook).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bot/handoff/opening_hours.h"
#include "bot/kb/knowledge.h"
#include "bot/store/store.h"

namespace approdo::dialogue {

class ConversationWorkers {
 public:
  // Called on the worker thread after a turn's replies were saved (wakes the channel's sender).
  using RepliesSaved = std::function<void(const std::string& channel, const std::string& conv_key)>;

  ConversationWorkers(Store& store, const KnowledgeHolder& knowledge, handoff::OpeningHours hours, int threads,
                      RepliesSaved on_saved);
  ~ConversationWorkers();  // stops (finishing the message in hand)

  // Starts the threads and queues every conversation that has unprocessed messages.
  void start();
  void submit(const std::string& conv_key);
  // Blocks until every queued conversation has been processed (tests, shutdown).
  void wait_idle();
  void stop();

  int64_t turns_processed() const;
  int64_t turn_failures() const;

 private:
  struct Shard {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::string> queue;
    std::set<std::string> queued;
    bool busy = false;
    std::thread thread;
  };
  void run(Shard& shard);
  void process(const std::string& conv_key);
  void answer(const std::string& conv_key, const std::vector<StoredInbound>& batch);

  Store& store_;
  const KnowledgeHolder& knowledge_;
  const handoff::OpeningHours hours_;
  RepliesSaved on_saved_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  std::atomic<bool> stopping_{false};  // set under each shard's lock in turn, read by every shard
  std::atomic<int64_t> turns_{0}, failures_{0};
};

}  // namespace approdo::dialogue
