#include "bot/dialogue/conversation_workers.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <pthread.h>

#include "bot/dialogue/dialogue.h"

namespace approdo::dialogue {

ConversationWorkers::ConversationWorkers(Store& store, const KnowledgeHolder& knowledge, handoff::OpeningHours hours,
                                         int threads, RepliesSaved on_saved, Metrics& metrics, int flood_per_minute)
    : store_(store),
      knowledge_(knowledge),
      hours_(std::move(hours)),
      on_saved_(std::move(on_saved)),
      flood_per_minute_(flood_per_minute),
      turns_(metrics.counter("approdo_turns_total", "Messages the dialogue has handled.").with({})),
      failures_(metrics.counter("approdo_turn_failures_total", "Dialogue turns that failed and will be retried.")
                    .with({})),
      flooded_(metrics
                   .counter("approdo_flooded_total",
                            "Messages read but not answered: one sender over flood_per_minute.")
                   .with({})),
      received_(metrics.counter("approdo_messages_received_total",
                                "Messages the dialogue handled, by channel and the conversation's language "
                                "(unknown: not known yet).",
                                {"channel", "lang"})),
      matches_(metrics.counter("approdo_match_outcomes_total",
                               "Free-text questions by language and outcome: confident (answered), close_call "
                               "(did you mean), no_match, small_talk.",
                               {"lang", "outcome"})),
      urgent_(metrics.counter("approdo_triage_urgent_total",
                              "Urgent tickets opened by safety triage, by category.", {"category"})) {
  for (int i = 0; i < std::max(1, threads); ++i) shards_.push_back(std::make_unique<Shard>());
}

ConversationWorkers::~ConversationWorkers() { stop(); }

void ConversationWorkers::start() {
  for (auto& s : shards_)
    s->thread = std::thread([this, shard = s.get()] {
      pthread_setname_np(pthread_self(), "dialogue");  // for top -H and perf: where the time goes
      run(*shard);
    });
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

namespace {

// The conversations a round holds (Store::hold_conversation), let go however the round ends.
class HeldConversations {
 public:
  explicit HeldConversations(Store& store) : store_(store) {}
  ~HeldConversations() {
    for (const auto& key : keys) store_.let_go_conversation(key);
  }
  HeldConversations(const HeldConversations&) = delete;
  HeldConversations& operator=(const HeldConversations&) = delete;

  // Lets go of every held conversation. Returns those (not in `failed`) with messages still pending when
  // other instances share the database: one of them may have skipped a message while this round held its
  // conversation, so this instance answers it.
  std::vector<std::string> let_go(const std::vector<std::string>& failed) {
    std::vector<std::string> again;
    for (const auto& key : keys) {
      store_.let_go_conversation(key);
      if (!store_.shared_by_instances() || std::find(failed.begin(), failed.end(), key) != failed.end()) continue;
      try {
        if (!store_.pending_for(key).empty()) again.push_back(key);
      } catch (const std::exception&) {  // cannot look now: look again through the queue
        again.push_back(key);
      }
    }
    keys.clear();
    return again;
  }

  std::vector<std::string> keys;

 private:
  Store& store_;
};

}  // namespace

// The number of people waiting for a caseworker, told to the one handed over. It is read from the store only
// when a turn of the round hands someone over (a count over the open tickets: most rounds never need it),
// then kept up to date by the tickets the round itself opens, which are not committed yet.
class ConversationWorkers::QueueLength {
 public:
  explicit QueueLength(Store& store) : store_(store) {}
  int get() {
    if (!stored_) {
      try {
        stored_ = store_.waiting_tickets();
      } catch (const std::exception&) {  // only a figure in a message: the turn goes on without it
        stored_ = 0;
      }
    }
    return *stored_ + opened_;
  }
  void ticket_opened() { ++opened_; }

 private:
  Store& store_;
  std::optional<int> stored_;
  int opened_ = 0;
};

void ConversationWorkers::run(Shard& shard) {
  // Up to this many conversations per round, their turns saved in one transaction: one commit (and its WAL
  // write) per round instead of per message is what lets the dialogue keep up with a storm.
  constexpr std::size_t kMaxRound = 64;
  for (;;) {
    std::vector<std::string> keys;
    {
      std::unique_lock lock(shard.mu);
      for (;;) {
        auto now = std::chrono::steady_clock::now();
        for (auto it = shard.retry_at.begin(); it != shard.retry_at.end();) {
          if (it->second > now) {
            ++it;
            continue;
          }
          if (shard.queued.insert(it->first).second) shard.queue.push_back(it->first);
          it = shard.retry_at.erase(it);
        }
        if (stopping_ || !shard.queue.empty()) break;
        if (shard.retry_at.empty()) {
          shard.cv.wait(lock);
        } else {
          auto next = std::min_element(shard.retry_at.begin(), shard.retry_at.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
          shard.cv.wait_until(lock, next->second);
        }
      }
      if (stopping_) return;
      while (!shard.queue.empty() && keys.size() < kMaxRound) {
        keys.push_back(std::move(shard.queue.front()));
        shard.queue.pop_front();
        shard.queued.erase(keys.back());
      }
      shard.busy = true;
    }
    std::vector<TurnCommit> turns;
    std::vector<TurnFigures> figures;  // one per turn
    std::vector<std::string> failed;  // tried again in a second: their messages stay unprocessed in the store
    HeldConversations held(store_);
    QueueLength queue(store_);
    for (const auto& key : keys) {
      // With several instances on one database another one may hold this conversation: it answers what is
      // pending before it lets go, and then looks again (below), so nothing is left behind.
      try {
        if (!store_.hold_conversation(key)) continue;
        held.keys.push_back(key);
        decide(key, queue, turns, figures);
      } catch (const std::exception& e) {
        failures_.add();
        failed.push_back(key);
        std::fprintf(stderr, "dialogue: conversation %.12s failed (retried in 1 s): %s\n", key.c_str(), e.what());
      }
    }
    try {
      store_.commit_turns(turns);
      count(figures);
      if (on_saved_) {
        std::vector<std::string> channels;  // once per channel: a ring per turn woke the senders 64 times a round
        for (const auto& t : turns)
          if (!t.replies.empty() && std::find(channels.begin(), channels.end(), t.channel) == channels.end())
            channels.push_back(t.channel);
        for (const auto& channel : channels) on_saved_(channel);
      }
    } catch (const std::exception& e) {
      // Nothing of the round was saved (one transaction): every conversation of it is tried again shortly.
      failures_.add(static_cast<int64_t>(keys.size() - failed.size()));
      failed = keys;
      std::fprintf(stderr, "dialogue: %zu turns not saved (retried in 1 s): %s\n", turns.size(), e.what());
    }
    std::vector<std::string> again = held.let_go(failed);
    {
      std::lock_guard lock(shard.mu);
      shard.busy = false;
      for (const auto& key : failed) shard.retry_at[key] = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      for (const auto& key : again)
        if (shard.queued.insert(key).second) shard.queue.push_back(key);
    }
    std::lock_guard lock(idle_mu_);
    idle_cv_.notify_all();
  }
}

bool ConversationWorkers::flooding(const StoredInbound& in, const Knowledge& kb) {
  if (flood_per_minute_ <= 0) return false;
  if (store_.received_before(in.conv_key, in.id, in.received_at - 60'000) < flood_per_minute_) return false;
  return !kb.triage->assess(in.msg.text).urgent;  // a person in danger is always answered
}

void ConversationWorkers::count(const std::vector<TurnFigures>& figures) {
  for (const auto& f : figures) {
    turns_.add();
    received_.with({f.channel, or_unknown(f.lang)}).add();
    if (f.flooded) flooded_.add();
    if (!f.decision.match.empty()) matches_.with({or_unknown(f.lang), f.decision.match}).add();
    if (!f.decision.triage.empty()) urgent_.with({f.decision.triage}).add();
  }
}

void ConversationWorkers::decide(const std::string& conv_key, QueueLength& queue, std::vector<TurnCommit>& turns,
                                 std::vector<TurnFigures>& figures) {
  // Read once; each turn then starts from what the previous one will have saved.
  auto conv = store_.load_conversation(conv_key);
  bool has_open_ticket = store_.has_open_ticket(conv_key);
  for (const StoredInbound& in : store_.pending_for(conv_key)) {
    auto kb = knowledge_.current();  // one knowledge version for the whole turn
    if (conv && flooding(in, *kb)) {
      TurnCommit skip;
      skip.conv_key = conv_key;
      skip.channel = in.msg.channel;
      skip.processed_ids = {in.id};
      skip.state_json = conv->state_json;
      skip.lang = conv->lang;
      skip.status = conv->status;
      skip.forget_text = true;
      figures.push_back({skip.channel, skip.lang, true, {}});
      turns.push_back(std::move(skip));
      continue;
    }
    ConversationState state = conv ? state_from_json(conv->state_json) : ConversationState{};
    std::string status = conv ? conv->status : "";
    TurnCommit commit;
    Turn::Decision decision;
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
      desk.waiting_tickets = [&queue] { return queue.get(); };
      desk.has_open_ticket = has_open_ticket;
      Turn turn = respond(*kb, std::move(state), status, in.msg, desk);
      commit.state_json = to_json(turn.state);
      commit.lang = turn.state.lang;
      commit.status = turn.status;
      commit.replies = std::move(turn.replies);
      commit.open_ticket = std::move(turn.ticket);
      commit.unmatched = std::move(turn.unmatched);
      commit.article_views = std::move(turn.article_views);
      commit.feedback = std::move(turn.feedback);
      commit.erase = turn.erase;
      decision = std::move(turn.decision);
    }
    if (commit.erase) {
      conv.reset();  // erased: the next message starts a new conversation, its ticket detached
      has_open_ticket = false;
    } else if (conv) {
      conv->state_json = commit.state_json;
      conv->lang = commit.lang;
      conv->status = commit.status;
    }
    if (commit.open_ticket && !has_open_ticket) {
      has_open_ticket = true;
      queue.ticket_opened();
    }
    figures.push_back({commit.channel, commit.lang, false, std::move(decision)});
    turns.push_back(std::move(commit));
  }
}

}  // namespace approdo::dialogue
