// Content: the knowledge base as loaded from content/ — articles, menu, services, canned replies and safety
// phrases. Immutable once built; shared read-only between threads through std::shared_ptr<const Content>,
// which live reload swaps atomically (see ContentHolder).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace approdo {

struct ArticleText {
  std::string title, short_text, body, updated;
  std::vector<std::string> keywords, questions;
  bool native_review_needed = false;
};

struct Source {
  std::string title, url;
};

// The longest article id. Buttons carry it ("article:<id>", "feedback:yes:<id>"), and Telegram takes at most 64
// bytes of button data: 48 leaves room for the longest prefix (13) with some to spare.
inline constexpr std::size_t kMaxArticleIdLength = 48;

struct Article {
  std::string id, category, file;
  std::vector<std::string> related, services;
  std::vector<Source> sources;
  std::string review_status = "draft", reviewer, review_date;
  std::map<std::string, ArticleText> text;  // by language code

  // The text in `lang`, or nullptr.
  const ArticleText* in(const std::string& lang) const {
    auto it = text.find(lang);
    return it == text.end() ? nullptr : &it->second;
  }
  // Whether the text in `lang` is older than the English text: it may no longer say what English says.
  bool is_stale(const std::string& lang) const {
    const ArticleText* x = in(lang);
    const ArticleText* en = in("en");
    return x && en && x != en && !x->updated.empty() && x->updated < en->updated;
  }
};

struct MenuCategory {
  std::string id;
  std::map<std::string, std::string> label;
  std::vector<std::string> articles;
};

struct Service {
  std::string id, name, city, address, phone, hours, source, file;
  std::vector<std::string> languages;
  std::map<std::string, std::string> for_whom;
};

struct CannedReply {
  std::string id;
  std::map<std::string, std::string> title, text;
};

struct SafetyCategory {
  std::string id, article;
  std::map<std::string, std::vector<std::string>> phrases;  // by language
};

struct Content {
  std::vector<Article> articles;
  std::vector<MenuCategory> menu;
  std::vector<Service> services;
  std::vector<CannedReply> canned;
  std::vector<SafetyCategory> safety;

  const Article* find(const std::string& id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &articles[it->second];
  }
  const MenuCategory* category(const std::string& id) const {
    for (const auto& c : menu)
      if (c.id == id) return &c;
    return nullptr;
  }
  void index_ids() {
    by_id.clear();
    for (size_t i = 0; i < articles.size(); ++i) by_id.emplace(articles[i].id, i);
  }

 private:
  std::unordered_map<std::string, size_t> by_id;
};

}  // namespace approdo
