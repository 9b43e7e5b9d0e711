#include "bot/dialogue/state.h"

#include <nlohmann/json.hpp>

namespace approdo::dialogue {
namespace {

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::kNew: return "new";
    case Stage::kChooseLanguage: return "choose_language";
    case Stage::kReady: return "ready";
    case Stage::kConfirmDelete: return "confirm_delete";
  }
  return "new";
}

Stage stage_from(const std::string& s) {
  if (s == "choose_language") return Stage::kChooseLanguage;
  if (s == "ready") return Stage::kReady;
  if (s == "confirm_delete") return Stage::kConfirmDelete;
  return Stage::kNew;
}

}  // namespace

std::string to_json(const ConversationState& s) {
  nlohmann::json j;
  j["stage"] = stage_name(s.stage);
  j["lang"] = s.lang;
  auto& choices = j["choices"] = nlohmann::json::array();
  for (const auto& c : s.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
  j["article"] = s.article;
  j["more_sent"] = s.more_sent;
  j["category"] = s.category;
  j["pending_question"] = s.pending_question;
  j["misses"] = s.misses;
  auto& feedback = j["feedback"] = nlohmann::json::array();
  for (const auto& f : s.feedback) feedback.push_back({{"article", f.article}, {"answered", f.answered}});
  return j.dump();
}

ConversationState state_from_json(const std::string& json) {
  ConversationState s;
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return s;
  try {
    s.stage = stage_from(j.value("stage", "new"));
    s.lang = j.value("lang", "");
    if (j.contains("choices") && j["choices"].is_array())
      for (const auto& c : j["choices"]) s.choices.push_back({c.value("id", ""), c.value("label", "")});
    s.article = j.value("article", "");
    s.more_sent = j.value("more_sent", false);
    s.category = j.value("category", "");
    s.pending_question = j.value("pending_question", "");
    s.misses = j.value("misses", 0);
    if (j.contains("feedback") && j["feedback"].is_array())
      for (const auto& f : j["feedback"]) s.feedback.push_back({f.value("article", ""), f.value("answered", false)});
  } catch (const nlohmann::json::exception&) {
    return ConversationState{};  // a field of the wrong type: start again rather than fail every turn
  }
  return s;
}

}  // namespace approdo::dialogue
