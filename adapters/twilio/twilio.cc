#include "adapters/twilio/twilio.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "bot/delivery/plain_text.h"
#include "bot/text/sms.h"
#include "bot/text/utf8.h"

namespace approdo::twilio {
namespace {

constexpr const char* kEmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string get(const std::multimap<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? "" : it->second;
}

// Twilio signs the URL as configured; proxies add or drop the default port, so both forms are accepted.
std::string without_default_port(const std::string& url) {
  for (const char* p : {":443/", ":80/"}) {
    auto pos = url.find(p);
    if (pos != std::string::npos) return url.substr(0, pos) + url.substr(pos + std::strlen(p) - 1);
  }
  return url;
}

std::string with_default_port(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  auto host_end = url.find('/', scheme_end + 3);
  std::string host = url.substr(scheme_end + 3, host_end == std::string::npos ? std::string::npos : host_end - scheme_end - 3);
  if (host.find(':') != std::string::npos) return url;  // a port is already there
  std::string port = url.rfind("https", 0) == 0 ? ":443" : ":80";
  return host_end == std::string::npos ? url + port : url.substr(0, host_end) + port + url.substr(host_end);
}

WebhookResult refuse(int status, const std::string& why) {
  WebhookResult r;
  r.status = status;
  r.error = why;
  r.body = why;
  return r;
}

}  // namespace

std::string form_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::multimap<std::string, std::string> parse_form(std::string_view body) {
  std::multimap<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view pair = body.substr(start, end - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      out.emplace(url_decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
    }
    start = end + 1;
  }
  return out;
}

std::string signature(std::string_view auth_token, std::string_view url,
                      const std::multimap<std::string, std::string>& params) {
  std::vector<std::pair<std::string, std::string>> sorted(params.begin(), params.end());
  std::sort(sorted.begin(), sorted.end());
  std::string data(url);
  for (const auto& [k, v] : sorted) data += k + v;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string b64(sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), mac, len, sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  return b64;
}

WebhookResult parse_webhook(std::string_view body) {
  auto f = parse_form(body);
  for (const auto& [k, v] : f)
    if (!text::is_valid_utf8(k) || !text::is_valid_utf8(v)) return refuse(400, "form value is not valid UTF-8");
  WebhookResult r;
  r.content_type = "text/xml";
  r.body = kEmptyTwiml;
  const std::string sid = get(f, "MessageSid");
  if (sid.empty()) return refuse(400, "not a Twilio message webhook (no MessageSid)");
  if (f.count("MessageStatus")) {  // a status callback of something we sent
    InboundMessage st;
    st.channel = "twilio";
    st.kind = InboundMessage::Kind::kStatus;
    st.status_of = sid;
    std::string status = get(f, "MessageStatus");
    st.status = status == "undelivered" ? "failed" : status;
    st.status_error = get(f, "ErrorCode");
    st.provider_id = "status:" + sid + ":" + status;
    r.messages.push_back(std::move(st));
    return r;
  }
  InboundMessage in;
  in.channel = "twilio";
  in.provider_id = sid;
  in.address = get(f, "From");
  if (in.address.empty()) return refuse(400, "message without From");
  in.text = get(f, "Body");
  std::string opt_out = get(f, "OptOutType");
  if (opt_out == "STOP") in.kind = InboundMessage::Kind::kBlocked;  // Twilio will refuse to send anyway
  else if (opt_out == "START") in.kind = InboundMessage::Kind::kUnblocked;
  else if (get(f, "NumMedia") != "" && get(f, "NumMedia") != "0") {
    in.kind = InboundMessage::Kind::kMedia;
    std::string type = get(f, "MediaContentType0");
    in.media = type.rfind("image/", 0) == 0 ? "photo" : type.rfind("audio/", 0) == 0 ? "voice" : "document";
  }
  r.messages.push_back(std::move(in));
  return r;
}

TwilioChannel::TwilioChannel(TwilioConfig config, std::string public_url)
    : config_(std::move(config)), public_url_(std::move(public_url)),
      clients_(config_.api_base, config_.timeout_ms,
               [this](httplib::Client& c) { c.set_basic_auth(config_.account_sid, config_.auth_token); }) {}

TwilioChannel::~TwilioChannel() = default;

WebhookResult TwilioChannel::handle(const HttpRequest& request) {
  if (request.method != "POST") return refuse(405, "Twilio webhooks are POST");
  if (public_url_.empty()) return refuse(403, "public_url is not configured: signatures cannot be checked");
  const std::string given = request.header("x-twilio-signature");
  auto params = parse_form(request.body);
  std::string url = public_url_;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += request.target.empty() ? request.path : request.target;
  bool ok = false;
  for (const std::string& u : {url, without_default_port(url), with_default_port(url)}) {
    std::string want = signature(config_.auth_token, u, params);
    ok |= given.size() == want.size() && sodium_memcmp(given.data(), want.data(), want.size()) == 0;
  }
  if (!ok) return refuse(403, "invalid X-Twilio-Signature");
  return parse_webhook(request.body);
}

SendResult TwilioChannel::send(const std::string& address, const OutboundMessage& message) {
  SendResult result;
  const std::string path = "/2010-04-01/Accounts/" + config_.account_sid + "/Messages.json";
  auto parts = text::split_for_sms(delivery::text_with_numbered_choices(message), kMaxSegmentsPerMessage);
  if (parts.empty()) parts.push_back(".");
  auto client = clients_.take();
  for (const auto& part : parts) {
    std::string form = "To=" + form_encode(address) + "&From=" + form_encode(config_.from) + "&Body=" + form_encode(part);
    auto res = client->Post(path.c_str(), form, "application/x-www-form-urlencoded");
    if (!res) {
      result.outcome = SendResult::Outcome::kRetry;
      result.error = "network: " + httplib::to_string(res.error());
      return result;
    }
    auto reply = nlohmann::json::parse(res->body, nullptr, false);
    if ((res->status == 200 || res->status == 201) && reply.is_object()) {
      result.provider_message_id = reply.value("sid", "");
      continue;
    }
    int code = reply.is_object() && reply.contains("code") && reply["code"].is_number_integer() ? reply["code"].get<int>() : 0;
    result.error = std::to_string(res->status) + " " + std::to_string(code);
    result.outcome = res->status == 429 || res->status >= 500 ? SendResult::Outcome::kRetry
                                                               : SendResult::Outcome::kPermanent;
    return result;
  }
  result.outcome = SendResult::Outcome::kSent;
  return result;
}

}  // namespace approdo::twilio
