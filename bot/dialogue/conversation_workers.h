// ConversationWorkers: the threads that run the dialogue. Conversations are sharded by key over a fixed set
// of workers, so one conversation is always handled by the same thread, one message at a time, in the order
// received — and different conversations run in parallel.
//
// A worker takes a conversation's unprocessed messages from the store, asks the dialogue engine what to do
// with each, and saves the new state, replies and ticket of every turn of its round (the conversations queued
// on it, up to 64) in one transaction. Work is driven by
// the store, not by the queue: after a crash, start() finds every message that was recorded but not yet
// answered and handles it. A round that fails (the database is locked or full) is tried again a second later.
// With several instances on one database (PostgreSQL), a round holds its conversations (Store::
// hold_conversation) so that one instance at a time answers each; a conversation held elsewhere is skipped
// and its holder looks again for anything pending once it lets go.
//
// Floods: beyond `flood_per_minute` messages from one conversation in a minute, further messages are taken
// as read without an answer and without keeping their text — unless they are urgent (safety triage still
// runs). One sender can fill neither the outbox nor the caseworker queue (one open ticket per conversation).
//
// Counts (in the bot's Metrics, once a round is saved, so a retried round counts once): messages received
// per channel and language, match outcomes per language, urgent tickets per triage category, turns, failed
// turns, flooded messages.
//
// Thread-safety: submit() from any thread (the HTTP pool calls it after recording a webhook).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bot/core/metrics.h"
#include "bot/dialogue/dialogue.h"
#include "bot/handoff/opening_hours.h"
#include "bot/kb/knowledge.h"
#include "bot/store/store.h"

namespace approdo::dialogue {

class ConversationWorkers {
 public:
  // Called on the worker thread once a round's turns were saved, once for each channel they queued replies
  // on (wakes the channel's sender).
  using RepliesSaved = std::function<void(const std::string& channel)>;

  ConversationWorkers(Store& store, const KnowledgeHolder& knowledge, handoff::OpeningHours hours, int threads,
                      RepliesSaved on_saved, Metrics& metrics, int flood_per_minute = 0);  // 0: no flood limit
  ~ConversationWorkers();  // stops (finishing the message in hand)

  // Starts the threads and queues every conversation that has unprocessed messages.
  void start();
  void submit(const std::string& conv_key);
  // Blocks until every queued conversation has been processed (tests, shutdown).
  void wait_idle();
  void stop();

  int64_t turns_processed() const { return turns_.value(); }
  int64_t flooded() const { return flooded_.value(); }  // messages left unanswered by the flood limit

 private:
  struct Shard {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::string> queue;
    std::set<std::string> queued;
    std::map<std::string, std::chrono::steady_clock::time_point> retry_at;  // failed turns, tried again later
    bool busy = false;
    std::thread thread;
  };
  // What one turn adds to the counters once its round is saved.
  struct TurnFigures {
    std::string channel, lang;
    bool flooded = false;
    Turn::Decision decision;
  };
  class QueueLength;  // the caseworker queue's length as a round sees it (conversation_workers.cc)
  void run(Shard& shard);
  // Decides the turns for a conversation's unprocessed messages, in order, appending them to `turns` and
  // what to count for each to `figures`. `queue` grows with each ticket opened.
  void decide(const std::string& conv_key, QueueLength& queue, std::vector<TurnCommit>& turns,
              std::vector<TurnFigures>& figures);
  bool flooding(const StoredInbound& in, const Knowledge& kb);
  void count(const std::vector<TurnFigures>& figures);

  Store& store_;
  const KnowledgeHolder& knowledge_;
  const handoff::OpeningHours hours_;
  RepliesSaved on_saved_;
  const int flood_per_minute_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  std::atomic<bool> stopping_{false};  // set under each shard's lock in turn, read by every shard
  Counter &turns_, &failures_, &flooded_;
  CounterFamily &received_, &matches_, &urgent_;
};

}  // namespace approdo::dialogue
