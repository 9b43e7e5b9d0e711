#include "bot/app/channels.h"

#include "adapters/telegram/telegram.h"
#include "adapters/whatsapp/whatsapp.h"

namespace approdo {

ChannelSet build_channels(const Config& config) {
  ChannelSet set;
  if (config.telegram.configured()) {
    set.channels.emplace("telegram", std::make_unique<telegram::TelegramChannel>(config.telegram));
    set.report.push_back(config.telegram.secret_token.empty()
                             ? "channel telegram: on, but without secret_token every webhook is refused"
                             : "channel telegram: on at /webhooks/telegram");
  } else {
    set.report.push_back("channel telegram: not configured");
  }
  if (config.whatsapp.configured()) {
    set.channels.emplace("whatsapp", std::make_unique<whatsapp::WhatsAppChannel>(config.whatsapp));
    set.report.push_back(config.whatsapp.app_secret.empty()
                             ? "channel whatsapp: on, but without app_secret every webhook is refused"
                             : "channel whatsapp: on at /webhooks/whatsapp");
  } else {
    set.report.push_back("channel whatsapp: not configured");
  }
  // The Twilio adapter is not built yet: a configured one is accepted and reported, so a config
  // written today keeps working when they land.
  auto pending = [&](const char* name, bool configured) {
    set.report.push_back(std::string("channel ") + name +
                         (configured ? ": configured, but not available in this build" : ": not configured"));
  };
  pending("twilio", config.twilio.configured());
  set.report.push_back(std::string("channel webchat: ") + (config.webchat ? "on at /" : "off"));
  return set;
}

void start_senders(ChannelSet& set, Store& store, OutboxSignal& replies) {
  for (auto& [name, channel] : set.channels) {
    set.senders.push_back(std::make_unique<delivery::ChannelSender>(store, *channel, replies));
    set.senders.back()->start();
  }
}

}  // namespace approdo
