// The /metrics page: the bot's counters (Metrics) and the gauges read when it is scraped — the knowledge
// base's reload status, the caseworker queue and the outbox, read from the store. With several instances on
// one database each instance serves its own counters, while the gauges read from the store are the same on
// every instance (the whole deployment's): sum counters across instances, never gauges.
//
// Cost per scrape is bounded: the open tickets, the tickets opened in the last 24 hours, four counts.
// Called by HttpServer on an HTTP thread; Store and Metrics are thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "bot/core/metrics.h"
#include "bot/kb/knowledge.h"
#include "bot/store/store.h"

namespace approdo::server {

std::string metrics_page(const Metrics& metrics, Store& store, const KnowledgeHolder::ReloadStatus& knowledge,
                         int64_t now_ms);

}  // namespace approdo::server
