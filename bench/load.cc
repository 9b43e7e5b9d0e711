// bench/load: how far Approdo is from the limit of this machine under a storm of webhooks.
//
// A load generator posts signed WhatsApp and SMS (Twilio) webhooks — questions from the dev set in six
// languages, many conversations, keep-alive connections — to the real `approdo serve` (a child process with
// a generated config), whose replies go to a local stand-in provider. The ceiling is measured in the same
// run: the same generator against a bare cpp-httplib server that only answers 200, configured like
// Approdo's. Every figure is given beside the ceiling and as a ratio of it, because the machine is shared and
// absolute numbers move from run to run; ratios move much less.
//
// Phases (each on a fresh server and database; each `seconds` long after a 1 s warm-up):
//   1. ceiling, closed loop            the most requests/s the HTTP layer alone answers
//   2. ceiling, open loop at rate/2    its acknowledgement latency at that load
//   3. Approdo, closed loop            acknowledgements/s with every message durably recorded
//   4. Approdo, open loop at rate      whole trips/s (recorded, matched, answered, delivered); nothing lost
//   5. Approdo, open loop at rate/2    acknowledgement and whole-trip latency
//
// Usage: bench_load [--seconds N] [--rate R] [--connections C]
//   defaults: 5 s per phase (APPRODO_LOAD_SECONDS=60 for the full run), 5000 messages/s, 32 connections.
//   --phase ceiling|closed|full|half runs that phase alone (for profiling: `perf record -p` the server).
#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "bench/load_generator.h"
#include "bench/load_server_process.h"

namespace fs = std::filesystem;
using namespace approdo::bench;

namespace {

constexpr int kMessagesPerPerson = 4;
constexpr int64_t kThinkNs = 1'000'000'000;  // a person reads the answer for a second before writing again
constexpr int kHttpThreads = 32;             // Approdo's default `http_threads`, and the ceiling's pool
constexpr double kDrainSeconds = 20;         // after the load: how long replies may still arrive

// The bare HTTP layer: cpp-httplib with Approdo's settings (bot/server/http_server.cc), answering 200.
class BareServer {
 public:
  BareServer() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
    server_.set_tcp_nodelay(true);
    server_.set_payload_max_length(3 << 20);
    server_.set_keep_alive_max_count(100);
    server_.set_keep_alive_timeout(5);
    server_.Post(R"(/webhooks/([a-z]+))", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~BareServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct PhaseResult {
  LoadResult load;
  Latencies trips;
  double trip_rate = 0;       // whole trips ended per second in the measured window
  int64_t lost = 0;           // acknowledged messages never answered
  // People handed to a caseworker by safety triage on a message the dev set does not call urgent: the bot
  // then stays silent (the caseworker answers), so their next message is "lost" to the generator's eyes.
  int64_t false_handoffs = 0;
  int64_t people = 0;
  double server_cpu = 0;      // seconds
  double own_cpu = 0;         // generator + stand-in, seconds
  double peak_rss_mib = 0;
  double startup_ms = 0;
  std::string check;          // what did not add up in the server's own counters ("" = all fine)
};

PhaseResult run_ceiling(const Webhooks& webhooks, LoadShape shape) {
  BareServer bare;
  Conversations people(kMessagesPerPerson, kThinkNs);
  PhaseResult p;
  double cpu0 = own_cpu_seconds();
  p.load = run_load(bare.port(), webhooks, people, shape);
  p.own_cpu = own_cpu_seconds() - cpu0;
  return p;
}

std::string write_config(const fs::path& dir, const std::string& source, int sink_port) {
  fs::create_directories(dir / "data");
  std::string sink = "http://127.0.0.1:" + std::to_string(sink_port);
  std::ofstream f(dir / "approdo.yaml");
  f << "listen: {host: 127.0.0.1, port: 0}\n"
    << "public_url: " << kPublicUrl << "\n"
    << "data_dir: " << (dir / "data").string() << "\n"
    << "content_dir: " << source << "/content\n"
    << "locales_dir: " << source << "/locales\n"
    << "webchat: false\nopening_hours: 24/7\n"
    << "http_threads: " << kHttpThreads << "\n"
    << "channels:\n"
    << "  whatsapp: {phone_number_id: \"" << kWhatsAppPhoneId << "\", access_token: load-token, app_secret: "
    << kWhatsAppSecret << ", api_base: \"" << sink << "/v21.0\"}\n"
    << "  twilio: {account_sid: " << kTwilioSid << ", auth_token: " << kTwilioToken << ", from: \"" << kTwilioFrom
    << "\", api_base: \"" << sink << "\"}\n";
  return (dir / "approdo.yaml").string();
}

PhaseResult run_approdo(const std::string& binary, const std::string& source, const fs::path& scratch,
                        const Webhooks& webhooks, LoadShape shape, const char* name) {
  Conversations people(kMessagesPerPerson, kThinkNs);
  ReplySink sink(source, people);
  fs::path dir = scratch / name;
  ServerProcess server(binary, write_config(dir, source, sink.port()));
  PhaseResult p;
  p.startup_ms = server.startup_ms();
  double cpu0 = server.cpu_seconds(), own0 = own_cpu_seconds();
  const int64_t urgent0 = webhooks.urgent_sent();
  p.load = run_load(server.port(), webhooks, people, shape);
  // Whatever is still on its way may arrive; then whoever still waits for an answer lost it.
  auto drain_until = steady_ns() + static_cast<int64_t>(kDrainSeconds * 1e9);
  while (people.waiting() > 0 && steady_ns() < drain_until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  p.server_cpu = server.cpu_seconds() - cpu0;
  p.own_cpu = own_cpu_seconds() - own0;
  p.peak_rss_mib = server.peak_rss_mib();
  p.lost = people.waiting();
  p.people = people.people();
  p.trips = people.trips();
  p.trip_rate = static_cast<double>(people.answered_in_window()) / shape.seconds;
  // The server's own counters must agree: every acknowledged message recorded, every one handled, no reply
  // left undelivered.
  auto m = server.metrics();
  auto recorded = static_cast<int64_t>(m["approdo_inbound_recorded_total"]);
  if (recorded < p.load.posted_ok)
    p.check += " recorded " + std::to_string(recorded) + " of " + std::to_string(p.load.posted_ok) + " acknowledged;";
  double handed_over = 0;  // urgent tickets, every category
  for (const auto& [name, value] : m)
    if (name.rfind("approdo_triage_urgent_total", 0) == 0) handed_over += value;
  p.false_handoffs = std::max<int64_t>(0, static_cast<int64_t>(handed_over) - (webhooks.urgent_sent() - urgent0));
  if (p.lost > p.false_handoffs)
    p.check += " " + std::to_string(p.lost - p.false_handoffs) + " unanswered beyond the false handoffs;";
  if (static_cast<int64_t>(m["approdo_turns_total"]) != recorded)
    p.check += " handled " + std::to_string(static_cast<int64_t>(m["approdo_turns_total"])) + ";";
  if (m["approdo_outbox_dead"] > 0) p.check += " dead replies " + std::to_string(m["approdo_outbox_dead"]) + ";";
  if (sink.unknown() > 0) p.check += " replies to unknown addresses " + std::to_string(sink.unknown()) + ";";
  server.stop();
  fs::remove_all(dir);
  return p;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void row(const std::string& what, const std::string& approdo, const std::string& ceiling, const std::string& ratio) {
  std::printf("  %-44s %16s %16s %9s\n", what.c_str(), approdo.c_str(), ceiling.c_str(), ratio.c_str());
}

std::string latency(Latencies& l) {
  return fmt("%.2f", l.quantile_ms(0.5)) + "/" + fmt("%.2f", l.quantile_ms(0.99)) + "/" + fmt("%.1f", l.max_ms());
}

std::string source_dir() { return APPRODO_SOURCE_DIR; }

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5, rate = 5000;
  int connections = 32;
  std::string only;  // one phase alone, or "" for all
  if (const char* s = std::getenv("APPRODO_LOAD_SECONDS")) seconds = std::atof(s);
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (flag == "--rate") rate = std::atof(argv[i + 1]);
    else if (flag == "--connections") connections = std::atoi(argv[i + 1]);
    else if (flag == "--phase") only = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: bench_load [--seconds N] [--rate R] [--connections C] [--phase P]\n");
      return 2;
    }
  }
  if (!only.empty() && only != "ceiling" && only != "closed" && only != "full" && only != "half") {
    std::fprintf(stderr, "bench_load: --phase is one of ceiling, closed, full, half\n");
    return 2;
  }
  if (seconds <= 0 || rate <= 0 || connections <= 0) {
    std::fprintf(stderr, "bench_load: --seconds, --rate and --connections must be positive\n");
    return 2;
  }
  const std::string source = source_dir();
  std::optional<Webhooks> webhooks;
  try {
    webhooks.emplace(source + "/../shared/eval/dev-questions.tsv");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_load: %s\n", e.what());
    return 2;
  }
  char tmpl[] = "/tmp/approdo-load-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::perror("bench_load: mkdtemp");
    return 3;
  }
  fs::path scratch = tmpl;

  std::printf("load: %.0f s per phase after 1 s warm-up, %d keep-alive connections, %zu languages, "
              "WhatsApp + SMS, up to %d messages per person, %ld online CPUs (shared: compare ratios)\n",
              seconds, connections, webhooks->languages(), kMessagesPerPerson, sysconf(_SC_NPROCESSORS_ONLN));
  std::fflush(stdout);
  LoadShape closed{connections, seconds, 1, 0};
  LoadShape full{connections, seconds, 1, rate};
  LoadShape half{connections, seconds, 1, rate / 2};
  PhaseResult ceiling, ceiling_half, ack, trip, easy;
  try {
    auto wanted = [&](const char* phase) { return only.empty() || only == phase; };
    if (wanted("ceiling")) ceiling = run_ceiling(*webhooks, closed);
    if (wanted("ceiling")) ceiling_half = run_ceiling(*webhooks, half);
    if (wanted("closed")) ack = run_approdo(APPRODO_BINARY, source, scratch, *webhooks, closed, "closed");
    if (wanted("full")) trip = run_approdo(APPRODO_BINARY, source, scratch, *webhooks, full, "full");
    if (wanted("half")) easy = run_approdo(APPRODO_BINARY, source, scratch, *webhooks, half, "half");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_load: %s\n", e.what());
    fs::remove_all(scratch);
    return 3;
  }
  fs::remove_all(scratch);

  const double top = ceiling.load.rate();
  auto ratio = [&](double v) { return top > 0 ? fmt("%.1f%%", 100 * v / top) : std::string("-"); };
  std::printf("\n  %-44s %16s %16s %9s\n", "", "approdo", "bare HTTP", "of bare");
  row("acknowledged/s, closed loop (recorded)", fmt("%.0f", ack.load.rate()), fmt("%.0f", top), ratio(ack.load.rate()));
  row("  ack ms p50/p99/max", latency(ack.load.acks), latency(ceiling.load.acks), "");
  row("whole trips/s, open loop at " + fmt("%.0f", rate) + "/s", fmt("%.0f", trip.trip_rate), "-",
      ratio(trip.trip_rate));
  row("  acknowledged/s (failed, not sent in time)",
      fmt("%.0f", trip.load.rate()) + " (" + std::to_string(trip.load.failed) + ", " + std::to_string(trip.load.unsent) +
          ")",
      "", "");
  row("  lost (acknowledged, unanswered 20 s after)", std::to_string(trip.lost), "", "");
  row("    of them handed over by a false urgent (max)", std::to_string(trip.false_handoffs), "", "");
  row("  trip ms p50/p99/max", latency(trip.trips), "", "");
  row("  ack ms p50/p99/max", latency(trip.load.acks), "", "");
  row("open loop at " + fmt("%.0f", rate / 2) + "/s: trip ms p50/p99/max", latency(easy.trips), "", "");
  row("  ack ms p50/p99/max", latency(easy.load.acks), latency(ceiling_half.load.acks), "");
  row("  lost (handed over by a false urgent, max)", std::to_string(easy.lost) + " (" + std::to_string(easy.false_handoffs) + ")", "", "");
  row("server CPU ms per message (closed/full/half)",
      fmt("%.3f", 1000 * ack.server_cpu / std::max<double>(1, ack.load.posted_ok)) + "/" +
          fmt("%.3f", 1000 * trip.server_cpu / std::max<double>(1, trip.load.posted_ok)) + "/" +
          fmt("%.3f", 1000 * easy.server_cpu / std::max<double>(1, easy.load.posted_ok)),
      "", "");
  row("generator+stand-in CPU s (closed/full/half)",
      fmt("%.1f", ack.own_cpu) + "/" + fmt("%.1f", trip.own_cpu) + "/" + fmt("%.1f", easy.own_cpu),
      fmt("%.1f", ceiling.own_cpu), "");
  row("server peak RSS MiB (closed/full/half)",
      fmt("%.0f", ack.peak_rss_mib) + "/" + fmt("%.0f", trip.peak_rss_mib) + "/" + fmt("%.0f", easy.peak_rss_mib), "",
      "");
  row("conversations (closed/full/half)",
      std::to_string(ack.people) + "/" + std::to_string(trip.people) + "/" + std::to_string(easy.people), "", "");
  row("start-up ms", fmt("%.0f", std::max({ack.startup_ms, trip.startup_ms, easy.startup_ms})), "", "");

  if (!only.empty()) {  // the targets need every phase
    for (auto* p : {&ack, &trip, &easy})
      if (!p->check.empty()) std::printf("    server counters disagree:%s\n", p->check.c_str());
    return 0;
  }
  std::printf("\n  targets (issue #10):\n");
  auto target = [](bool met, const std::string& what) { std::printf("    [%s] %s\n", met ? "met" : "NOT met", what.c_str()); };
  target(ack.load.rate() >= 0.5 * top, "acknowledged/s >= 50% of bare HTTP");
  auto nothing_lost = [](const PhaseResult& p) { return p.lost <= p.false_handoffs && p.check.empty(); };
  target(trip.trip_rate >= 5000 && nothing_lost(trip) && trip.load.unsent == 0,
         "whole trips >= 5,000/s sustained, nothing lost");
  target(easy.trips.quantile_ms(0.99) <= 50 && nothing_lost(easy), "at half load: whole-trip p99 <= 50 ms");
  target(easy.load.acks.quantile_ms(0.99) <= 10, "at half load: acknowledgement p99 <= 10 ms");
  target(std::max({ack.peak_rss_mib, trip.peak_rss_mib, easy.peak_rss_mib}) <= 150, "server memory <= 150 MB");
  target(std::max({ack.startup_ms, trip.startup_ms, easy.startup_ms}) <= 1000, "start-up <= 1 s");
  for (auto* p : {&ack, &trip, &easy})
    if (!p->check.empty()) std::printf("    server counters disagree:%s\n", p->check.c_str());
  return 0;
}
