// The one place where channel adapters are registered: builds the adapters the config enables and says,
// for every channel, whether it is live. Called once by `serve` on the main thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/app/config.h"
#include "bot/core/channel.h"

namespace approdo {

struct ChannelSet {
  std::map<std::string, std::unique_ptr<Channel>> channels;  // by name, as in /webhooks/<name>
  std::vector<std::string> report;                           // one line per channel, for the start-up log
};

ChannelSet build_channels(const Config& config);

}  // namespace approdo
