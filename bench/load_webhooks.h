// Webhooks: the signed requests a load run posts, as the providers send them — WhatsApp Cloud API
// notifications (JSON, X-Hub-Signature-256) and Twilio SMS forms (X-Twilio-Signature over our public URL) —
// with questions from the dev set in six languages. Person n writes on WhatsApp when n is even, by SMS when
// odd, always in the same language; their address encodes n so the stand-in provider knows whose reply it got.
//
// Thread-safety: const after construction; build() may be called from many threads.
#pragma once

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/twilio/twilio.h"
#include "adapters/whatsapp/whatsapp.h"
#include "bench/load_conversations.h"

namespace approdo::bench {

// Credentials the generated config gives the server and the generator signs with.
inline constexpr const char* kPublicUrl = "https://load.example.org";
inline constexpr const char* kWhatsAppSecret = "load-app-secret";
inline constexpr const char* kWhatsAppPhoneId = "106540352242922";
inline constexpr const char* kTwilioToken = "load-twilio-token";
inline constexpr const char* kTwilioSid = "AC00000000000000000000000000000001";
inline constexpr const char* kTwilioFrom = "+390212345678";

// Person n's address: 39 (Italy) + 3 (mobile) + n in nine digits; "+" in front for SMS.
inline std::string phone_of(int person) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "393%09d", person);
  return buf;
}
// The person an address belongs to, or -1.
inline int person_of(const std::string& address) {
  if (address.size() < 9) return -1;
  try {
    return std::stoi(address.substr(address.size() - 9));
  } catch (const std::exception&) {
    return -1;
  }
}

struct Webhook {
  std::string path, content_type, body, signature_header, signature;
};

class Webhooks {
 public:
  // Reads the dev set (TSV: lang, expect, urgent, style, text). Throws when it cannot.
  explicit Webhooks(const std::string& dev_set_path) {
    std::ifstream in(dev_set_path);
    if (!in) throw std::runtime_error("cannot read " + dev_set_path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
      if (f.size() < 5) continue;
      auto& lang = by_lang_[f[0]];
      (f[2] == "1" ? lang.urgent : lang.plain).push_back(f[4]);
    }
    for (auto& [code, questions] : by_lang_)
      if (!questions.plain.empty() && !questions.urgent.empty()) langs_.push_back(&questions);
    if (langs_.empty()) throw std::runtime_error(dev_set_path + ": no language with both plain and urgent questions");
  }

  std::size_t languages() const { return langs_.size(); }
  int64_t urgent_sent() const { return urgent_sent_.load(); }  // urgent messages built so far

  // The request person `t.person` sends as their message `t.message`. One person in ten ends with an urgent
  // message; everyone else asks plain questions.
  Webhook build(const Conversations::Turn& t) const {
    const Questions& q = *langs_[static_cast<std::size_t>(t.person / 2) % langs_.size()];
    bool urgent = t.last && t.person % 10 == 9;
    if (urgent) ++urgent_sent_;
    const auto& pool = urgent ? q.urgent : q.plain;
    const std::string& text = pool[static_cast<std::size_t>(t.person * 7 + t.message * 13) % pool.size()];
    uint64_t id = next_id_++;
    return t.person % 2 == 0 ? whatsapp(t.person, id, text) : sms(t.person, id, text);
  }

 private:
  struct Questions {
    std::vector<std::string> plain, urgent;
  };

  // A notification as https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples shows.
  static Webhook whatsapp(int person, uint64_t id, const std::string& text) {
    std::string phone = phone_of(person);
    nlohmann::json message{{"from", phone},
                           {"id", "wamid.load" + std::to_string(id)},
                           {"timestamp", "1795428000"},
                           {"text", {{"body", text}}},
                           {"type", "text"}};
    nlohmann::json value{{"messaging_product", "whatsapp"},
                         {"metadata", {{"display_phone_number", "390212345678"}, {"phone_number_id", kWhatsAppPhoneId}}},
                         {"contacts", {{{"profile", {{"name", "Load"}}}, {"wa_id", phone}}}},
                         {"messages", {message}}};
    nlohmann::json body{{"object", "whatsapp_business_account"},
                        {"entry", {{{"id", "102290129340398"}, {"changes", {{{"value", value}, {"field", "messages"}}}}}}}};
    Webhook w{"/webhooks/whatsapp", "application/json", body.dump(), "X-Hub-Signature-256", ""};
    w.signature = whatsapp::signature(kWhatsAppSecret, w.body);
    return w;
  }

  // An incoming SMS as https://www.twilio.com/docs/messaging/guides/webhook-request describes it.
  static Webhook sms(int person, uint64_t id, const std::string& text) {
    char sid[40];
    std::snprintf(sid, sizeof sid, "SM%032llx", static_cast<unsigned long long>(id));
    std::string form = "ToCountry=IT&SmsMessageSid=" + std::string(sid) + "&NumMedia=0&SmsSid=" + sid +
                       "&SmsStatus=received&Body=" + twilio::form_encode(text) + "&FromCountry=IT&To=" + twilio::form_encode(kTwilioFrom) +
                       "&NumSegments=1&MessageSid=" + sid + "&AccountSid=" + kTwilioSid +
                       "&From=" + twilio::form_encode("+" + phone_of(person)) + "&ApiVersion=2010-04-01";
    Webhook w{"/webhooks/twilio", "application/x-www-form-urlencoded", form, "X-Twilio-Signature", ""};
    w.signature = twilio::signature(kTwilioToken, std::string(kPublicUrl) + w.path, twilio::parse_form(form));
    return w;
  }

  std::map<std::string, Questions> by_lang_;
  std::vector<const Questions*> langs_;
  mutable std::atomic<uint64_t> next_id_{1};
  mutable std::atomic<int64_t> urgent_sent_{0};
};

}  // namespace approdo::bench
