#include "bot/handoff/routing.h"

#include <algorithm>

namespace approdo::handoff {

bool offered_to(const TicketView& ticket, const std::vector<std::string>& languages,
                const RoutingPolicy& policy, int64_t now_ms) {
  if (ticket.status != "waiting") return true;
  if (languages.empty()) return true;
  if (std::find(languages.begin(), languages.end(), ticket.lang) != languages.end()) return true;
  return now_ms - ticket.opened_at >= policy.offer_all_after_ms;
}

int64_t waited_ms(const TicketView& ticket, int64_t now_ms) {
  int64_t until = ticket.first_response_at ? ticket.first_response_at : now_ms;
  return std::max<int64_t>(0, until - ticket.opened_at);
}

bool overdue(const TicketView& ticket, const RoutingPolicy& policy, int64_t now_ms) {
  return ticket.first_response_at == 0 && ticket.status != "closed" &&
         waited_ms(ticket, now_ms) >= policy.first_response_ms;
}

}  // namespace approdo::handoff
