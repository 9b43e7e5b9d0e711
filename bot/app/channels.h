// The one place where channel adapters are registered: builds the adapters the config enables, says for
// every channel whether it is live, and starts one outbox sender per push channel. Called once by `serve`
// (and by tests) on the main thread; the ChannelSet must be destroyed before the App it was started with.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/app/config.h"
#include "bot/core/channel.h"
#include "bot/delivery/channel_sender.h"
#include "bot/store/outbox_signal.h"
#include "bot/store/store.h"

namespace approdo {

struct ChannelSet {
  std::map<std::string, std::unique_ptr<Channel>> channels;  // by name, as in /webhooks/<name>
  std::vector<std::string> report;                           // one line per channel, for the start-up log
  std::vector<std::unique_ptr<delivery::ChannelSender>> senders;  // declared last: stopped first
};

ChannelSet build_channels(const Config& config);
// Starts a sender for every channel of `set` (web chat replies are pulled by the page instead).
// `policy` is the base retry policy; each channel adds its provider's rate limits to it.
void start_senders(ChannelSet& set, Store& store, OutboxSignal& replies, Metrics& metrics,
                   delivery::RetryPolicy policy = {});

}  // namespace approdo
