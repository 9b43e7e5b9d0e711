#include "bot/app/channels.h"

#include "adapters/telegram/telegram.h"
#include "adapters/twilio/twilio.h"
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
  if (config.twilio.configured()) {
    set.channels.emplace("twilio", std::make_unique<twilio::TwilioChannel>(config.twilio, config.public_url));
    set.report.push_back(config.public_url.empty()
                             ? "channel twilio: on, but without public_url every webhook is refused"
                             : "channel twilio: on at /webhooks/twilio");
  } else {
    set.report.push_back("channel twilio: not configured");
  }
  set.report.push_back(std::string("channel webchat: ") + (config.webchat ? "on at /" : "off"));
  return set;
}

void start_senders(ChannelSet& set, Store& store, OutboxSignal& replies, Metrics& metrics,
                   delivery::RetryPolicy policy) {
  for (auto& [name, channel] : set.channels) {
    delivery::RetryPolicy p = policy;
    if (name == "telegram") {  // https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
      p.per_address_interval_ms = 1000;
      p.max_per_second = 30;
      p.threads = 1;  // the limits pace the whole bot
    } else {
      p.threads = 12;  // WhatsApp and Twilio take many requests at once; a send is a round trip each
    }
    set.senders.push_back(std::make_unique<delivery::ChannelSender>(store, *channel, replies, metrics, p));
    set.senders.back()->start();
  }
}

}  // namespace approdo
