#include "bot/store/store.h"

namespace approdo {

void Store::record_outcomes(const std::vector<SendOutcome>& outcomes) {
  for (const auto& o : outcomes) {
    switch (o.kind) {
      case SendOutcome::Kind::kSent: mark_sent(o.id, o.provider_message_id); break;
      case SendOutcome::Kind::kRetry: mark_retry(o.id, o.next_attempt_at, o.error); break;
      case SendOutcome::Kind::kDead: mark_dead(o.id, o.error); break;
      case SendOutcome::Kind::kHeld: mark_held(o.id, o.error); break;
    }
  }
}

}  // namespace approdo
