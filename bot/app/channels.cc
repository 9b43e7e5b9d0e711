#include "bot/app/channels.h"

namespace approdo {

ChannelSet build_channels(const Config& config) {
  ChannelSet set;
  // Provider adapters arrive with issue 7; until then a configured provider is accepted and reported, so a
  // config written today keeps working when they land.
  auto pending = [&](const char* name, bool configured) {
    set.report.push_back(std::string("channel ") + name +
                         (configured ? ": configured, but not available in this build" : ": not configured"));
  };
  pending("telegram", config.telegram.configured());
  pending("whatsapp", config.whatsapp.configured());
  pending("twilio", config.twilio.configured());
  set.report.push_back(std::string("channel webchat: ") + (config.webchat ? "on at /" : "off"));
  return set;
}

}  // namespace approdo
