#include "bot/text/langid.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "bot/text/normalize.h"
#include "bot/text/tokenize.h"

namespace approdo::text {
namespace {

enum Lang { kEn, kFr, kIt, kAr, kFa, kPs, kUk, kLangs };
constexpr std::array<const char*, kLangs> kCodes = {"en", "fr", "it", "ar", "fa", "ps", "uk"};

// Function words and greetings: the words short informal messages are made of, folded (see normalize.h).
// Topic words are deliberately absent — "questura" or "permesso" inside a Dari or French message says
// nothing about the language it is written in.
const std::unordered_map<std::string, std::vector<Lang>>& function_words() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, std::vector<Lang>>;
    auto add = [&](Lang l, std::initializer_list<const char*> words) {
      for (const char* w : words) (*t)[fold(w)].push_back(l);
    };
    add(kEn, {"i", "im", "i'm", "you", "the", "a", "an", "is", "are", "my", "me", "to", "what", "how", "can", "do",
              "does", "where", "need", "help", "in", "of", "and", "for", "have", "has", "am", "not", "they", "it",
              "with", "get", "want", "dont", "don't", "please", "when", "who", "why", "if", "there", "this", "that",
              "hi", "hello", "hey", "thanks", "thank", "should", "will", "would", "was", "be", "from", "about", "or",
              "your", "at", "on", "say", "said", "go", "no", "yes", "which", "much", "many", "any", "but", "after"});
    add(kFr, {"je", "j'ai", "jai", "j", "le", "la", "les", "de", "des", "du", "et", "est", "pas", "mon", "ma", "mes",
              "pour", "comment", "ou", "que", "qui", "un", "une", "suis", "ai", "avoir", "besoin", "aide", "cest",
              "c'est", "faire", "il", "elle", "on", "dans", "avec", "veux", "peux", "quoi", "bonjour", "salut",
              "bonsoir", "bonne", "nuit", "bon", "journée", "merci", "ne", "me", "moi", "au", "aux", "sur", "quand", "pourquoi", "mais", "ils", "nous",
              "vous", "tu", "ce", "sont", "quel", "quelle", "dois", "faut", "aller", "oui", "non", "l'", "d'", "qu'",
              "m'", "n'", "s'il", "svp", "combien", "si", "en", "y", "a", "chez", "papiers"});
    add(kIt, {"io", "il", "lo", "la", "di", "che", "e", "non", "per", "come", "sono", "ho", "un", "una", "mio",
              "mia", "dove", "cosa", "posso", "voglio", "bisogno", "aiuto", "del", "della", "in", "con", "mi",
              "ciao", "buongiorno", "salve", "grazie", "ma", "anche", "sei", "hai", "devo", "quando", "perche",
              "perché", "chi", "quale", "gli", "le", "al", "alla", "nel", "nella", "si", "no", "fare", "andare",
              "essere", "avere", "ci", "ti", "ne", "sono", "della", "dei", "delle", "mi", "mio", "aiutami"});
    add(kAr, {"في", "من", "على", "هل", "انا", "أنا", "اريد", "أريد", "كيف", "ماذا", "لا", "عن", "الى", "إلى", "هذا",
              "هذه", "ما", "ممكن", "عندي", "لي", "أن", "ان", "مع", "كان", "يا", "مرحبا", "السلام", "عليكم", "شكرا",
              "لماذا", "متى", "أين", "اين", "ليس", "لم", "لن", "قد", "هو", "هي", "نحن", "أنت", "انت", "الذي",
              "التي", "كل", "بعد", "قبل", "عمري", "أستطيع", "استطيع", "يمكنني", "اعمل", "أعمل", "حتى"});
    add(kFa, {"است", "من", "را", "که", "چطور", "چطو", "چی", "چه", "میخواهم", "میخوام", "کجا", "برای", "از", "به",
              "در", "این", "آیا", "هستم", "میشه", "میشود", "نمیدانم", "نمیدونم", "مه", "اس", "کو", "چرا", "کی",
              "دارم", "ندارم", "باید", "مرا", "شما", "ما", "او", "آنها", "هم", "یک", "یا", "اگر", "وقتی",
              "بعد", "خود", "خو", "هست", "نیست", "سلام", "تشکر", "ممنون", "لطفا", "کمک", "میتوانم", "میتانم",
              "بگویید", "بگو", "کنم", "شده", "شد", "بود", "گفت", "گفتن", "میگن", "میگه", "ساله", "سالم", "بکنم",
              "چیست", "کدام", "کرده", "اند", "هستی", "ولی", "اما", "با", "تا", "بر", "دیگر", "همه", "چند", "چقدر",
              // The light verb of Persian's compound verbs, and the commonest spoken verbs: a Dari message
              // typed on an Arabic keyboard (ي, ك) often has no Persian letter but these.
              "میکنم", "میکنی", "میکنه", "میکنن", "میکنند", "میکند", "نمیکنم", "نمیکنه", "نمیکنن", "کنه", "کنن",
              "میرم", "میره", "میرن", "میاد", "میان", "میخواد", "داره", "دارن", "داری", "نداره", "ندارن"});
    add(kPs, {"زه", "ته", "چې", "دی", "یم", "څنګه", "کړم", "غواړم", "څه", "کې", "د", "او", "له", "دې", "شي", "نه",
              "وي", "کوم", "مې", "مو", "یې", "ولې", "چیرته", "چېرته", "کله", "زما", "ستا", "هغه", "مونږ", "موږ",
              "تاسو", "سره", "لپاره", "باندې", "پر", "کښې", "شته", "نشته", "وايي", "وایي", "ووایه", "مرسته",
              "کولی", "کولای", "شم", "کړئ", "کړه", "راته", "ورته", "سلام", "مننه", "هو", "څوک", "ده", "وو",
              "وه", "ما", "یو", "دا", "هم", "خو", "کال", "کلن", "کلنه",
              // "to have", "to do" and "to become" in their everyday forms, for short messages without a
              // Pashto-only letter ("تل ویره لرم"). Not شو: it is also Levantine Arabic for "what".
              "لرم", "لري", "لرې", "لرو", "کوي", "راکوي", "وکړم", "شوه", "شول", "ځم"});
    add(kUk, {"я", "ти", "ви", "він", "вона", "ми", "вони", "це", "що", "як", "де", "коли", "чому", "хто", "мені",
              "мене", "мій", "моя", "мої", "і", "й", "та", "в", "у", "на", "з", "із", "до", "для", "не", "так",
              "ні", "чи", "можна", "треба", "потрібно", "потрібна", "хочу", "можу", "маю", "є", "привіт", "дякую",
              "будь", "ласка", "допоможіть", "допомога", "тут", "там", "який", "яка", "які", "скільки", "щоб",
              "але", "або", "якщо", "вже", "ще", "мною", "нам", "нас", "вас", "вам", "його", "її", "їх"});
    return t;
  }();
  return *table;
}

struct ScriptCounts {
  int latin = 0, arabic = 0, cyrillic = 0, other = 0;
};

}  // namespace

LanguageGuess identify_language(std::string_view utf8) {
  icu::UnicodeString raw = icu::UnicodeString::fromUTF8(utf8);
  ScriptCounts scripts;
  std::array<double, kLangs> score{};
  // Letters only one language uses, read from the raw text (folding unifies some of them).
  for (int32_t i = 0; i < raw.length();) {
    UChar32 c = raw.char32At(i);
    i += U16_LENGTH(c);
    if (!u_isalpha(c)) continue;
    UErrorCode status = U_ZERO_ERROR;
    switch (uscript_getScript(c, &status)) {
      case USCRIPT_LATIN: ++scripts.latin; break;
      case USCRIPT_ARABIC: ++scripts.arabic; break;
      case USCRIPT_CYRILLIC: ++scripts.cyrillic; break;
      default: ++scripts.other; break;
    }
    switch (c) {
      // Pashto-only letters.
      case 0x067C: case 0x0689: case 0x0693: case 0x0696: case 0x069A: case 0x06AB: case 0x06BC: case 0x06D0:
      case 0x06CD: case 0x0681: case 0x0685:
        score[kPs] += 3.0;
        break;
      // Persian letters (Pashto writes ګ rather than گ, but shares پ چ ژ).
      case 0x06AF: score[kFa] += 1.5; break;
      case 0x067E: case 0x0686: case 0x0698:
        score[kFa] += 0.6;
        score[kPs] += 0.4;
        break;
      // Arabic-only letters: teh marbuta and alef maksura; Arabic yeh and kaf lean Arabic.
      case 0x0629: case 0x0649: score[kAr] += 1.5; break;
      // Lean only: many Afghans type Dari on an Arabic keyboard, which has ي and ك and no ی or ک.
      case 0x064A: case 0x0643: score[kAr] += 0.3; break;
      case 0x06CC: case 0x06A9:
        score[kFa] += 0.25;
        score[kPs] += 0.2;
        break;
      // Ukrainian letters; Russian-only letters count against it.
      case 0x0456: case 0x0457: case 0x0454: case 0x0491: case 0x0406: case 0x0407: case 0x0404: case 0x0490:
        score[kUk] += 2.0;
        break;
      // French letters.
      case 0x00E7: case 0x00EA: case 0x00E8: case 0x00EB: case 0x00EE: case 0x00EF: case 0x00F4: case 0x00FB:
      case 0x0153:
        score[kFr] += 0.8;
        break;
      case 0x00E9: score[kFr] += 0.5; break;
      case 0x00F2: case 0x00EC: score[kIt] += 0.8; break;
      default: break;
    }
  }
  int letters = scripts.latin + scripts.arabic + scripts.cyrillic + scripts.other;
  if (letters == 0) return {"", 0.0};

  std::string folded = fold(utf8);
  for (const auto& w : words(folded)) {
    auto it = function_words().find(w);
    if (it != function_words().end())
      for (Lang l : it->second) score[l] += 1.0 / static_cast<double>(it->second.size()) + 0.5;
    // The Arabic article: frequent in Arabic, rare at the start of Persian and Pashto words.
    if (w.size() > 4 && w.rfind("ال", 0) == 0) score[kAr] += 0.6;
    // Latin word shapes.
    auto ends = [&](const char* suffix) {
      std::string s(suffix);
      return w.size() > s.size() + 1 && w.compare(w.size() - s.size(), s.size(), s) == 0;
    };
    if (ends("ing") || w.find("th") != std::string::npos || w.find('w') != std::string::npos) score[kEn] += 0.4;
    if (ends("zione") || ends("zioni") || ends("mente") || ends("etto") || w.find("gli") != std::string::npos)
      score[kIt] += 0.5;
    if (ends("eux") || ends("ment") || ends("oir") || ends("ais") || w.find("ou") != std::string::npos) score[kFr] += 0.3;
  }

  // The script decides the family; only its languages compete. Latin words inside Arabic-script or Cyrillic
  // text are nearly always Italian terms ("permesso", "patrocinio a spese dello stato") in a Dari or Ukrainian
  // sentence — never the other way round — so a sixth of the letters (at least four) is enough to decide.
  std::vector<Lang> candidates;
  int non_latin = std::max(scripts.arabic, scripts.cyrillic);
  int top = std::max({scripts.latin, scripts.arabic, scripts.cyrillic});
  if (top == 0) return {"", 0.0};
  if (non_latin >= 4 && non_latin * 6 >= scripts.latin + non_latin) top = non_latin;
  if (top == scripts.arabic) candidates = {kAr, kFa, kPs};
  else if (top == scripts.cyrillic) candidates = {kUk};
  else candidates = {kEn, kFr, kIt};

  std::sort(candidates.begin(), candidates.end(), [&](Lang a, Lang b) { return score[a] > score[b]; });
  Lang best = candidates[0];
  double best_score = score[best], second = candidates.size() > 1 ? score[candidates[1]] : 0.0;
  if (candidates.size() == 1) return {kCodes[best], 0.95};  // Cyrillic: Ukrainian is the only one we speak
  if (best_score <= 0.0) {
    // No evidence: the most common language of the script, with low confidence.
    return {kCodes[top == scripts.arabic ? kFa : kEn], 0.3};
  }
  double margin = (best_score - second) / best_score;  // 0..1: how clearly ahead
  double evidence = std::min(1.0, 0.4 + 0.3 * best_score);
  return {kCodes[best], margin * evidence};
}

}  // namespace approdo::text
