// Routing and service levels of the caseworker queue. A waiting ticket is offered first to caseworkers who
// speak its language; after `offer_all_after_ms` it is offered to everyone (a child must not wait for the one
// Pashto speaker). A ticket is overdue when it has had no first response within `first_response_ms`.
// Pure functions over a ticket and a clock; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/store/store.h"

namespace approdo::handoff {

struct RoutingPolicy {
  int64_t offer_all_after_ms = 10 * 60 * 1000;
  int64_t first_response_ms = 60 * 60 * 1000;
};

// Whether a caseworker speaking `languages` sees `ticket` in the queue now. Tickets assigned to them are always
// visible; tickets assigned to colleagues are visible (the team sees its workload); waiting tickets follow
// the language rule above. A caseworker with no languages listed sees everything.
bool offered_to(const TicketView& ticket, const std::vector<std::string>& languages,
                const RoutingPolicy& policy, int64_t now_ms);

// Milliseconds the person has waited for a first response (until it came, or until now).
int64_t waited_ms(const TicketView& ticket, int64_t now_ms);
bool overdue(const TicketView& ticket, const RoutingPolicy& policy, int64_t now_ms);

}  // namespace approdo::handoff
