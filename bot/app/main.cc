// approdo: the command line. Subcommands: serve, chat, lint, match, kb dump/status, backup, restore,
// telegram set-webhook, admin erase/export/rotate-key, users, report. See README.md.
// Exit codes: 0 ok, 1 the checked thing has problems (lint), 2 bad usage or configuration, 3 start-up failed.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/telegram/telegram.h"
#include "bot/app/app.h"
#include "bot/app/channels.h"
#include "bot/app/config.h"
#include "bot/app/open_store.h"
#include "bot/app/report_command.h"
#include "bot/app/users_command.h"
#include "bot/core/language.h"
#include "bot/delivery/plain_text.h"
#include "bot/kb/knowledge.h"
#include "bot/kb/loader.h"
#include "bot/kb/locales.h"
#include "bot/kb/understanding.h"
#include "bot/server/http_server.h"
#include "bot/store/backup.h"
#include "bot/store/data_dir_lock.h"

namespace {

using namespace approdo;

struct Paths {
  std::string config, content, locales;
};

// The config of a subcommand: --config FILE if given, else the defaults (content/, locales/, var/); the
// --content/--locales flags win over both.
std::optional<Config> resolve_config(const Paths& p) {
  auto env = process_environment();
  ConfigResult r = p.config.empty() ? default_config(env) : load_config(p.config, env);
  if (!r.error.empty()) {
    std::fprintf(stderr, "%s\n", r.error.c_str());
    return std::nullopt;
  }
  if (!p.content.empty()) r.config.content_dir = p.content;
  if (!p.locales.empty()) r.config.locales_dir = p.locales;
  return r.config;
}

int run_serve(const Config& config) {
  // Signals are taken by one thread with sigwait, so no handler runs inside library code.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A file-size limit reached (ulimit -f, a quota) must fail the write like a full disk, which the store
  // turns into 503 for the provider to retry, instead of killing the server mid-step.
  signal(SIGXFSZ, SIG_IGN);

  // One server per SQLite database. With PostgreSQL several instances share the database by design.
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);  // where the lock lives; App::open reports failures
  std::optional<DataDirLock> lock;
  if (!config.uses_postgresql()) {
    lock.emplace(config.data_dir);
    if (!lock->held()) {
      std::fprintf(stderr, "approdo: %s\n", lock->error().c_str());
      return 3;
    }
  }
  auto opened = App::open(config, process_environment());
  for (const auto& n : opened.notes) std::fprintf(stderr, "approdo: %s\n", n.c_str());
  if (!opened.app) {
    std::fprintf(stderr, "approdo: %s\n", opened.error.c_str());
    return 3;
  }
  App& app = *opened.app;
  ChannelSet channels = build_channels(config);
  for (const auto& line : channels.report) std::fprintf(stderr, "approdo: %s\n", line.c_str());
  start_senders(channels, app.store(), app.replies(), app.metrics());

  server::HttpServer http(
      {config, app.store(), app.knowledge(), app.workers(), app.replies(), channels.channels, app.metrics()});
  std::string error;
  int port = http.bind(config.listen_host, config.listen_port, &error);
  if (port < 0) {
    std::fprintf(stderr, "approdo: %s\n", error.c_str());
    return 3;
  }
  std::fprintf(stderr, "approdo: serving on http://%s:%d/ (knowledge version %d)\n", config.listen_host.c_str(),
               port, app.knowledge().status().version);
  std::fprintf(stderr, "approdo: caseworker console on http://%s:%d/console/\n", config.listen_host.c_str(), port);
  if (app.store().user_count() == 0)
    std::fprintf(stderr, "approdo: no console users yet; add the first admin with\n"
                         "  build/approdo users add NAME --role admin --languages en,it --config FILE\n");

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        app.reload_knowledge();
        continue;
      }
      std::fprintf(stderr, "approdo: stopping (signal %d): finishing requests in flight\n", sig);
      http.stop();
      return;
    }
  });
  http.run();  // returns after stop(): no new requests, in-flight ones finished
  signal_thread.join();
  app.workers().wait_idle();  // answers to recorded messages are saved before the database closes
  std::fprintf(stderr, "approdo: stopped\n");
  return 0;
}

void print_reply(const OutboxRow& row) {
  std::printf("%s\n\n", delivery::text_with_numbered_choices(row.msg).c_str());
  std::fflush(stdout);
}

int run_chat(Config config, bool persistent, const std::string& lang) {
  std::filesystem::path scratch;
  if (!persistent) {
    // A throwaway database: a terminal chat leaves nothing behind.
    char tmpl[] = "/tmp/approdo-chat-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::perror("approdo chat: cannot create a scratch directory");
      return 3;
    }
    scratch = tmpl;
    config.data_dir = scratch.string();
  }
  int rc = 0;
  {
    auto opened = App::open(config, process_environment());
    if (!opened.app) {
      std::fprintf(stderr, "approdo: %s\n", opened.error.c_str());
      rc = 3;
    } else {
      App& app = *opened.app;
      const std::string address = "terminal-" + std::to_string(getuid());
      const std::string key = app.store().keyring().conversation_key("cli", address);
      const bool interactive = isatty(STDIN_FILENO);
      int64_t after = 0;
      int64_t seq = now_ms();
      auto exchange = [&](InboundMessage::Kind kind, const std::string& text) {
        InboundMessage m;
        m.channel = "cli";
        m.provider_id = std::to_string(seq++);
        m.address = address;
        m.kind = kind;
        m.text = text;
        auto r = app.store().record_inbound({m});
        for (const auto& k : r.conv_keys) app.workers().submit(k);
        app.workers().wait_idle();
        for (const auto& row : app.store().take_for_conversation(key, after)) {
          print_reply(row);
          after = std::max(after, row.id);
        }
      };
      if (!lang.empty()) exchange(InboundMessage::Kind::kChoice, "lang:" + lang);
      std::string line;
      for (;;) {
        if (interactive) {
          std::printf("> ");
          std::fflush(stdout);
        }
        if (!std::getline(std::cin, line)) break;
        if (line.empty()) continue;
        exchange(InboundMessage::Kind::kText, line);
      }
    }
  }
  if (!scratch.empty()) std::filesystem::remove_all(scratch);
  return rc;
}

int run_lint(const Config& config) {
  ContentLoad content = load_content(config.content_dir);
  LocalesLoad locales = load_locales(config.locales_dir);
  int errors = 0, warnings = 0;
  for (const auto* list : {&content.problems, &locales.problems})
    for (const auto& p : *list) {
      std::printf("%s\n", p.format().c_str());
      (p.severity == Problem::Severity::kError ? errors : warnings)++;
    }
  std::fprintf(stderr, "%zu articles, %zu locales: %d errors, %d warnings\n", content.content->articles.size(),
               locales.locales->all().size(), errors, warnings);
  return errors ? 1 : 0;
}

int run_match(const Config& config, const std::string& lang) {
  KnowledgeLoad load = load_knowledge(config.content_dir, config.locales_dir);
  if (has_errors(load.problems)) {
    for (const auto& p : load.problems)
      if (p.severity == Problem::Severity::kError) std::fprintf(stderr, "%s\n", p.format().c_str());
    return 3;
  }
  const Knowledge& kb = *load.knowledge;
  std::string line;
  while (std::getline(std::cin, line)) {
    Understanding u = understand(kb, line, lang);
    std::string article = u.article();
    // Alternatives: the matcher's candidates, best first, without the article given.
    std::vector<std::string> candidates{u.match.article}, alternatives;
    candidates.insert(candidates.end(), u.match.alternatives.begin(), u.match.alternatives.end());
    for (const std::string& a : candidates)
      if (!a.empty() && a != article) alternatives.push_back(a);
    nlohmann::json j{{"lang", u.lang},
                     {"article", article.empty() ? nlohmann::json(nullptr) : nlohmann::json(article)},
                     {"score", u.triage.urgent ? 1.0 : u.match.score},
                     {"confident", u.answers_at_once()},
                     {"alternatives", alternatives},
                     {"urgent", u.triage.urgent}};
    if (u.triage.urgent) j["urgent_category"] = u.triage.category;
    if (u.small_talk != SmallTalk::kNone) j["small_talk"] = true;
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  }
  return 0;
}

int run_kb_dump(const Config& config) {
  ContentLoad c = load_content(config.content_dir);
  nlohmann::json articles = nlohmann::json::array();
  for (const auto& a : c.content->articles) {
    nlohmann::json text = nlohmann::json::object();
    for (const auto& [lang, t] : a.text)
      text[lang] = {{"title", t.title},       {"short", t.short_text}, {"body", t.body},
                    {"keywords", t.keywords}, {"questions", t.questions}, {"updated", t.updated},
                    {"native_review", t.native_review_needed ? "needed" : "done"}};
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& s : a.sources) sources.push_back({{"title", s.title}, {"url", s.url}});
    articles.push_back({{"id", a.id},
                        {"category", a.category},
                        {"related", a.related},
                        {"services", a.services},
                        {"sources", sources},
                        {"review", {{"status", a.review_status}, {"reviewer", a.reviewer}, {"date", a.review_date}}},
                        {"text", text}});
  }
  std::printf("%s\n", nlohmann::json{{"articles", articles}}.dump(2).c_str());
  for (const auto& p : c.problems)
    if (p.severity == Problem::Severity::kError) std::fprintf(stderr, "%s\n", p.format().c_str());
  return has_errors(c.problems) ? 1 : 0;
}

// Translation coverage, per language: how many articles have it, lack it, await a native speaker's review,
// or are older than the English text (stale).
int run_kb_status(const Config& config) {
  ContentLoad c = load_content(config.content_dir);
  std::printf("%-5s %8s %8s %14s %6s\n", "lang", "present", "missing", "native-review", "stale");
  for (auto lang : kKnownLanguages) {
    int present = 0, missing = 0, review = 0, stale = 0;
    for (const auto& a : c.content->articles) {
      const ArticleText* t = a.in(std::string(lang));
      if (!t) {
        ++missing;
        continue;
      }
      ++present;
      review += t->native_review_needed;
      stale += a.is_stale(std::string(lang));
    }
    std::printf("%-5s %8d %8d %14d %6d\n", std::string(lang).c_str(), present, missing, review, stale);
  }
  int drafts = 0;
  for (const auto& a : c.content->articles) drafts += a.review_status == "draft";
  std::printf("\n%zu articles, %d still draft (not yet reviewed by a lawyer or caseworker)\n",
              c.content->articles.size(), drafts);
  return has_errors(c.problems) ? 1 : 0;
}

// backup and restore are SQLite's; PostgreSQL has its own tools, which know its consistency rules.
bool refuse_postgresql(const Config& config, const char* tool) {
  if (!config.uses_postgresql()) return false;
  std::fprintf(stderr, "approdo: the store is PostgreSQL: use %s (see deploy/README.md)\n", tool);
  return true;
}

// A consistent copy of the database while the server may be serving (SQLite online backup).
int run_backup(const Config& config, const std::string& file) {
  if (refuse_postgresql(config, "pg_dump --format=custom")) return 2;
  BackupResult r = backup_database(config.sqlite_path(), file);
  if (!r.error.empty()) {
    std::fprintf(stderr, "approdo: %s\n", r.error.c_str());
    return 1;
  }
  std::printf("backup written to %s (%s)\n", file.c_str(), r.summary.describe().c_str());
  std::fprintf(stderr, "approdo: the secret key is not in the backup: keep %s/approdo.key (or APPRODO_SECRET_KEY) "
                       "safe apart from it\n", config.data_dir.c_str());
  return 0;
}

// Puts a backup in place of the database; refused while a server runs on the same data_dir.
int run_restore(const Config& config, const std::string& file) {
  if (refuse_postgresql(config, "pg_restore")) return 2;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  DataDirLock lock(config.data_dir);
  if (!lock.held()) {
    std::fprintf(stderr, "approdo: %s\n", lock.error().c_str());
    return 1;
  }
  auto keys = Keyring::load_or_create(config.data_dir, process_environment());
  if (!keys.keyring) {
    std::fprintf(stderr, "approdo: %s\n", keys.error.c_str());
    return 3;
  }
  BackupResult r = restore_database(file, config.sqlite_path(), *keys.keyring);
  if (!r.error.empty()) {
    std::fprintf(stderr, "approdo: %s\n", r.error.c_str());
    return 1;
  }
  std::printf("restored %s into %s (%s); the previous database is kept as %s.before-restore\n", file.c_str(),
              config.sqlite_path().c_str(), r.summary.describe().c_str(), config.sqlite_path().c_str());
  return 0;
}

// Registers our webhook at Telegram with the secret token, so Telegram starts sending updates.
int run_telegram_set_webhook(const Config& config) {
  if (!config.telegram.configured() || config.telegram.secret_token.empty() || config.public_url.empty()) {
    std::fprintf(stderr, "approdo: set channels.telegram.bot_token, channels.telegram.secret_token and public_url "
                         "(or APPRODO_TELEGRAM_BOT_TOKEN, APPRODO_TELEGRAM_SECRET_TOKEN, APPRODO_PUBLIC_URL)\n");
    return 2;
  }
  telegram::TelegramChannel channel(config.telegram);
  std::string error = channel.set_webhook(config.public_url);
  if (!error.empty()) {
    std::fprintf(stderr, "approdo: Telegram refused the webhook: %s\n", error.c_str());
    return 1;
  }
  std::printf("webhook set: %s/webhooks/telegram\n", config.public_url.c_str());
  return 0;
}

// An operator's access to one person's data, found by channel and address (HMACed with the server key, as
// the conversation key is): `erase` deletes everything about them, `export` prints it as JSON (an access
// request). Safe while `approdo serve` runs: the database takes one writer at a time.
int run_admin(const Config& config, bool erase, const std::string& channel, const std::string& address) {
  try {
    auto admin = open_for_admin(config);
    if (!admin) return 2;
    Store& store = *admin->store;
    const std::string key = admin->keys.conversation_key(channel, address);
    if (erase) {
      if (!store.erase_conversation(key)) {
        std::fprintf(stderr, "approdo: nothing kept for that %s address\n", channel.c_str());
        return 1;
      }
      std::printf("erased conversation %.12s (messages, state, replies, tickets' personal content)\n", key.c_str());
      return 0;
    }
    auto exported = store.export_conversation(key);
    if (!exported) {
      std::fprintf(stderr, "approdo: nothing kept for that %s address\n", channel.c_str());
      return 1;
    }
    std::printf("%s\n", exported->c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "approdo: database: %s\n", e.what());
    return 3;
  }
}

// Key rotation, with the server stopped: new keys; the database re-keyed under them in one transaction; then
// the new key replaces the old (key file), or is printed for the operator to put in APPRODO_SECRET_KEY. A
// stop between the two is finished by the next start (approdo.key.next).
int run_rotate_key(const Config& config) {
  try {
    auto admin = open_for_admin(config);
    if (!admin) return 2;
    Keyring next = Keyring::generate();
    std::filesystem::path dir(config.data_dir);
    const bool from_env = admin->key_source == "environment";
    if (from_env) {
      std::printf("APPRODO_SECRET_KEY=%s\n", next.to_hex().c_str());
      std::fflush(stdout);
    } else if (auto error = next.write_file((dir / "approdo.key.next").string()); !error.empty()) {
      std::fprintf(stderr, "approdo: %s\n", error.c_str());
      return 3;
    }
    int moved = admin->store->rekey(next);
    if (!from_env) std::filesystem::rename(dir / "approdo.key.next", dir / "approdo.key");
    std::fprintf(stderr, "approdo: %d conversations re-keyed%s\n", moved,
                 from_env ? "; put the new APPRODO_SECRET_KEY above in the environment before the next start"
                          : "; the new key is in approdo.key");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "approdo: key rotation failed, nothing changed: %s\n", e.what());
    return 3;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Approdo: a multilingual help-desk bot for young migrants"};
  cli.require_subcommand(1);
  Paths paths;
  auto add_paths = [&](CLI::App* sub, bool with_config) {
    if (with_config) sub->add_option("--config", paths.config, "config file (YAML)")->check(CLI::ExistingFile);
    sub->add_option("--content", paths.content, "content directory (default: content)");
    sub->add_option("--locales", paths.locales, "locales directory (default: locales)");
  };

  auto* serve = cli.add_subcommand("serve", "run the server: webhooks, web chat, health, metrics");
  add_paths(serve, true);
  auto* chat = cli.add_subcommand("chat", "talk to the bot in the terminal (one message per line on stdin)");
  add_paths(chat, true);
  std::string chat_lang;
  chat->add_option("--lang", chat_lang, "start in this language (en, fr, ar, fa, ps, uk)");
  auto* lint = cli.add_subcommand("lint", "check the knowledge base and the locales");
  add_paths(lint, false);
  auto* match = cli.add_subcommand("match", "match one message per stdin line; prints one JSON line each");
  add_paths(match, false);
  std::string match_lang = "auto";
  match->add_option("--lang", match_lang, "auto, or a language code");
  auto* kb = cli.add_subcommand("kb", "knowledge base tools");
  kb->require_subcommand(1);
  auto* dump = kb->add_subcommand("dump", "print every article in every language as JSON");
  add_paths(dump, false);
  auto* kb_status = kb->add_subcommand("status", "translation coverage per language");
  add_paths(kb_status, false);

  std::string backup_file;
  auto* backup = cli.add_subcommand("backup", "write a consistent copy of the database to FILE, while serving");
  add_paths(backup, true);
  backup->add_option("FILE", backup_file, "where to write the copy (replaced if it exists)")->required();
  std::string restore_file;
  auto* restore = cli.add_subcommand("restore", "replace the database by a backup (the server must be stopped)");
  add_paths(restore, true);
  restore->add_option("FILE", restore_file, "a file written by approdo backup")->required()->check(CLI::ExistingFile);

  auto* tg = cli.add_subcommand("telegram", "Telegram tools");
  tg->require_subcommand(1);
  auto* set_webhook = tg->add_subcommand("set-webhook", "register /webhooks/telegram (with the secret) at Telegram");
  add_paths(set_webhook, true);

  auto* admin = cli.add_subcommand("admin", "one person's data: erase it, or export it (access request)");
  admin->require_subcommand(1);
  std::string admin_channel, admin_address;
  auto* admin_erase = admin->add_subcommand("erase", "erase everything kept about one person");
  auto* admin_export = admin->add_subcommand("export", "print everything kept about one person as JSON");
  auto* rotate = admin->add_subcommand("rotate-key", "new secret keys; the database re-keyed (server stopped)");
  rotate->add_option("--config", paths.config, "config file (YAML)")->check(CLI::ExistingFile);
  for (auto* sub : {admin_erase, admin_export}) {
    sub->add_option("--config", paths.config, "config file (YAML)")->check(CLI::ExistingFile);
    sub->add_option("--channel", admin_channel, "telegram, whatsapp, twilio or webchat")->required();
    sub->add_option("--address", admin_address, "chat id, phone number (as the provider sends it) or web session")
        ->required();
  }
  auto* users = cli.add_subcommand("users", "console users: add, list, disable, enable, passwd");
  add_paths(users, true);
  UsersCommand users_command(*users);
  auto* report = cli.add_subcommand("report", "reports: gaps, articles, cases (anonymous counts)");
  add_paths(report, true);
  ReportCommand report_command(*report);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = cli.exit(e);
    return rc == 0 ? 0 : 2;
  }
  auto config = resolve_config(paths);
  if (!config) return 2;
  if (serve->parsed()) return run_serve(*config);
  if (chat->parsed()) return run_chat(*config, !paths.config.empty(), chat_lang);
  if (lint->parsed()) return run_lint(*config);
  if (match->parsed()) return run_match(*config, match_lang);
  if (dump->parsed()) return run_kb_dump(*config);
  if (kb_status->parsed()) return run_kb_status(*config);
  if (backup->parsed()) return run_backup(*config, backup_file);
  if (restore->parsed()) return run_restore(*config, restore_file);
  if (set_webhook->parsed()) return run_telegram_set_webhook(*config);
  if (admin_erase->parsed() || admin_export->parsed())
    return run_admin(*config, admin_erase->parsed(), admin_channel, admin_address);
  if (rotate->parsed()) return run_rotate_key(*config);
  if (users_command.parsed()) return users_command.run(*config);
  if (report_command.parsed()) return report_command.run(*config);
  return 2;
}
