#include "bot/dialogue/conversation_workers.h"

#include <chrono>
#include <cstdio>
#include <functional>

#include "bot/dialogue/dialogue.h"

namespace approdo::dialogue {

ConversationWorkers::ConversationWorkers(Store& store, const KnowledgeHolder& knowledge, handoff::OpeningHours hours,
                                         int threads, RepliesSaved on_saved)
    : store_(store), knowledge_(knowledge), hours_(std::move(hours)), on_saved_(std::move(on_saved)) {
  for (int i = 0; i < std::max(1, threads); ++i) shards_.push_back(std::make_unique<Shard>());
}

ConversationWorkers::~ConversationWorkers() { stop(); }

void ConversationWorkers::start() {
  for (auto& s : shards_) s->thread = std::thread([this, shard = s.get()] { run(*shard); });
  for (const auto& key : store_.conversations_with_pending()) submit(key);
}

void ConversationWorkers::submit(const std::string& conv_key) {
  Shard& s = *shards_[std::hash<std::string>{}(conv_key) % shards_.size()];
  std::lock_guard lock(s.mu);
  if (s.queued.insert(conv_key).second) s.queue.push_back(conv_key);
  s.cv.notify_one();
}

void ConversationWorkers::wait_idle() {
  std::unique_lock lock(idle_mu_);
  idle_cv_.wait(lock, [&] {
    for (auto& s : shards_) {
      std::lock_guard sl(s->mu);
      if (!s->queue.empty() || s->busy) return false;
    }
    return true;
  });
}

void ConversationWorkers::stop() {
  for (auto& s : shards_) {
    std::lock_guard lock(s->mu);
    stopping_ = true;
    s->cv.notify_all();
  }
  for (auto& s : shards_)
    if (s->thread.joinable()) s->thread.join();
}

int64_t ConversationWorkers::turns_processed() const { return turns_.load(); }
int64_t ConversationWorkers::turn_failures() const { return failures_.load(); }

void ConversationWorkers::run(Shard& shard) {
  for (;;) {
    std::string key;
    {
      std::unique_lock lock(shard.mu);
      shard.cv.wait(lock, [&] { return stopping_ || !shard.queue.empty(); });
      if (stopping_) return;
      key = std::move(shard.queue.front());
      shard.queue.pop_front();
      shard.queued.erase(key);
      shard.busy = true;
    }
    try {
      process(key);
    } catch (const std::exception& e) {
      // The messages stay unprocessed in the store; they are retried on the next submit or restart.
      ++failures_;
      std::fprintf(stderr, "dialogue: conversation %.12s failed: %s\n", key.c_str(), e.what());
    }
    {
      std::lock_guard lock(shard.mu);
      shard.busy = false;
    }
    std::lock_guard lock(idle_mu_);
    idle_cv_.notify_all();
  }
}

// Lets go of a held conversation however the turn ends (a failed turn is retried later, perhaps elsewhere).
class HeldConversation {
 public:
  HeldConversation(Store& store, const std::string& key) : store_(store), key_(key) {}
  ~HeldConversation() { store_.let_go_conversation(key_); }

 private:
  Store& store_;
  const std::string& key_;
};

void ConversationWorkers::process(const std::string& conv_key) {
  // With several instances on one database, another one may hold this conversation: it answers what is
  // pending before letting go. Looking again after letting go closes the gap where it had just looked.
  do {
    if (!store_.hold_conversation(conv_key)) return;
    HeldConversation held(store_, conv_key);
    for (auto batch = store_.pending_for(conv_key); !batch.empty(); batch = store_.pending_for(conv_key))
      answer(conv_key, batch);
  } while (!store_.pending_for(conv_key).empty());
}

void ConversationWorkers::answer(const std::string& conv_key, const std::vector<StoredInbound>& batch) {
  for (const StoredInbound& in : batch) {
    auto kb = knowledge_.current();  // one knowledge version for the whole turn
    auto conv = store_.load_conversation(conv_key);
    ConversationState state = conv ? state_from_json(conv->state_json) : ConversationState{};
    std::string status = conv ? conv->status : "";
    TurnCommit commit;
    commit.conv_key = conv_key;
    commit.channel = in.msg.channel;
    commit.processed_ids = {in.id};
    if (conv && conv->blocked) {
      // The person blocked the bot: keep the message for the caseworker, say nothing.
      commit.state_json = conv->state_json;
      commit.lang = conv->lang;
      commit.status = conv->status;
    } else {
      DeskStatus desk;
      desk.open_now = hours_.is_open(now_ms());
      desk.waiting_tickets = store_.waiting_tickets();
      desk.has_open_ticket = store_.has_open_ticket(conv_key);
      Turn turn = respond(*kb, std::move(state), status, in.msg, desk);
      commit.state_json = to_json(turn.state);
      commit.lang = turn.state.lang;
      commit.status = turn.status;
      commit.replies = std::move(turn.replies);
      commit.open_ticket = std::move(turn.ticket);
      commit.unmatched = std::move(turn.unmatched);
      commit.article_views = std::move(turn.article_views);
      commit.erase = turn.erase;
    }
    store_.commit_turn(commit);
    ++turns_;
    if (!commit.replies.empty() && on_saved_) on_saved_(commit.channel, conv_key);
  }
}

}  // namespace approdo::dialogue
