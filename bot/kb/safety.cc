#include "bot/kb/safety.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "bot/text/normalize.h"
#include "bot/text/tokenize.h"
#include "bot/text/utf8.h"

namespace approdo {
namespace {
constexpr size_t kMaxGap = 2;
constexpr size_t kMaxTriageBytes = 8000;
// The two sides of a pair meet when their starts are at most this many words apart: "my little brother went
// out this morning and he is still not back" keeps its person and its danger twelve words apart.
constexpr size_t kPairWindow = 16;

// Background and present markers. They are grammar rather than content (tense, place, condition), so they
// live with the rule that reads them, and match as written, word after word: "اگه به کسی بگم" (if I tell
// anyone, a threat) is not "اگه کسی" (if someone). Past: the sentence tells of a time long gone. Elsewhere: of
// another country, of what would happen if, of what the rules allow. Present: the clause says it is so now
// or here, which neither can undo.
constexpr std::string_view kPast[] = {
    "last year", "years ago", "year ago", "months ago", "month ago", "when i was", "used to", "as a child",  // en
    "before i came", "before coming", "in the past", "back then", "my old boss", "my old employer",
    "my former", "former employer",
    "l'an dernier", "l'annee derniere", "il y a un an", "il y a deux ans", "il y a trois ans",  // fr
    "il y a quelques annees", "il y a des annees", "il y a longtemps", "il y a deux mois", "il y a trois mois",
    "il y a quelques mois", "quand j'etais", "quand jetais", "avant de venir", "avant d'arriver", "autrefois",
    "mon ancien", "mon ancienne",
    "السنة الماضية", "السنة اللي فاتت", "العام الماضي", "من سنة", "من سنتين", "من سنين", "قبل سنة",  // ar
    "قبل سنتين", "قبل سنين", "زمان", "لما كنت", "كنت صغير", "وانا صغير", "قبل ما اجي", "القديم", "السابق",
    "پارسال", "سال پیش", "سال گذشته", "سال قبل", "ماه پیش", "ماه قبل", "سالها پیش", "قبلا", "بچه بودم",  // fa
    "قبلی", "سابق",
    "پروسږکال", "پروسکال", "کال مخکې", "کاله مخکې", "کلونه مخکې", "میاشتې مخکې", "میاشت مخکې", "پخوا",  // ps
    "پخوانی", "پخواني", "ماشوم وم",
    "минулого року", "торік", "років тому", "роки тому", "рік тому", "місяців тому", "місяць тому",  // uk
    "коли я був", "коли я була", "раніше", "колись", "колишній", "колишнього", "колишня",
    "l'anno scorso", "anni fa", "quando ero",  // it
};
constexpr std::string_view kElsewhere[] = {
    // en
    "in libya", "in afghanistan", "in my country", "back home", "in tunisia", "in turkey", "in iran",
    "in pakistan", "in russia", "in sudan", "in eritrea", "in niger", "in the desert", "on the journey",
    "during the journey", "on the way to italy", "if i go back", "if i return", "if they send me back",
    "if i am sent back", "if i get deported", "if i am deported", "what happens if", "what if",
    "what should i do if", "what can i do if", "what to do if", "if someone", "if somebody", "if a man",
    "is it allowed", "is it legal", "can the police", "allowed to keep",
    // fr
    "en libye", "en afghanistan", "dans mon pays", "au pays", "en tunisie", "en turquie", "au soudan",
    "en russie", "pendant le voyage", "dans le desert", "si je rentre", "si je retourne", "si on me renvoie",
    "s'ils me renvoient", "si je suis expulse", "passe t il si", "qui se passe si", "que faire si",
    "si quelqu'un", "si un homme", "la police peut", "le droit de garder",
    // ar
    "في ليبيا", "بليبيا", "في بلدي", "في بلادي", "في تونس", "في تركيا", "في السودان", "في الطريق",
    "في الرحلة", "في الصحرا", "لو رجعت", "اذا رجعت", "لو رجعوني", "اذا رجعوني", "لو رحلوني", "اذا رحلوني",
    "ماذا يحدث اذا", "ماذا يحدث لو", "شو بصير اذا", "شو بيصير اذا", "ايه اللي يحصل لو", "ايش يصير لو",
    "شنو يصير اذا", "واش يوقع اذا", "ماذا افعل اذا", "اذا حدا", "لو حد", "اذا احد", "لو احد", "لو واحد",
    "اذا واحد", "هل يجوز", "هل يحق", "من حقهم",
    // fa
    "در ایران", "تو ایران", "در افغانستان", "تو افغانستان", "در ترکیه", "تو ترکیه", "در لیبی", "تو لیبی",
    "در لیبیا", "تو لیبیا", "در پاکستان", "در راه", "تو راه", "در مسیر", "در کشورم", "تو کشورم", "در وطن",
    "اگه برگردم", "اگر برگردم", "اگر برگردانند", "اگه برگردونن", "اگه دیپورت", "اگر دیپورت", "اگر اخراج",
    "اگه اخراج", "چه میشود", "چی میشه", "اگه کسی", "اگر کسی", "اگه یکی", "اگر یک نفر", "حق داره",
    "حق دارد", "آیا پولیس",
    // ps
    "په افغانستان کې", "په ایران کې", "په پاکستان کې", "په لیبیا کې", "په ترکیه کې", "په لاره کې",
    "په هیواد کې", "په وطن کې", "که بیرته", "که بېرته", "که زه بیرته", "که زه بېرته", "که واپس",
    "که دیپورټ", "څه کیږي", "څه به کیږي", "څه پیښیږي", "که څوک", "که یو څوک", "ایا پولیس",
    "پولیس کولی شي",
    // uk
    "в росії", "у росії", "в україні", "якщо я повернусь", "якщо я повернуся", "якщо повернусь",
    "якщо мене депортують", "якщо мене вишлють", "що буде якщо", "що станеться якщо", "що робити якщо",
    "якщо хтось", "якщо мене хтось", "чи може поліція", "чи має право", "чи мають право",
    // it
    "in libia", "se torno", "cosa succede se",
    // what the rules allow an employer, and someone else's story in the news
    "can my employer", "can my boss", "can an employer", "has the right to", "have the right to", "a le droit de",
    "ont le droit de", "حق لري", "чи може роботодавець", "on the news", "in the news", "i read that", "aux infos",
    "a la tele", "j'ai lu que", "j'ai lu qu'un", "j'ai lu qu'une", "j'ai lu qu'il", "jai lu que", "في الاخبار",
    "بالاخبار", "در اخبار", "تو اخبار", "په خبرونو کې", "в новинах", "по новинах", "читала що", "читав що",
    "خوندم", "خواندم",  // fa: "I read (about a boat that sank)"
    "در خبرها", "تو خبرها", "توی خبرها", "توی اخبار",  // fa: "in the news", also in the plural of خبر
    // What someone else should do ("if a girl is harassed on the bus, what should she do"): ps third person.
    "څه وکړي", "څه باید وکړي",
};
// About: the sentence asks about the topic for study, not of the writer's danger ("what are the rights of a
// woman whose husband hits her, it is for a school project"). Only a study purpose: "where can I read about
// my rights" is written by a person in danger too, and "for school" may be why he hits her.
constexpr std::string_view kAbout[] = {
    "for a course", "school project", "for homework", "for my homework", "for a presentation",  // en
    "for an essay", "for my essay", "for research", "for my research", "for my thesis", "for an assignment",
    "pour un expose", "pour un devoir", "pour mes devoirs", "projet scolaire", "pour un cours",  // fr
    "pour mon memoire", "pour une recherche",
    "عشان بحث", "عشان البحث", "لبحث", "للبحث", "لواجب", "للواجب", "عشان الواجب", "مشروع مدرسي",  // ar
    "برای تحقیق", "تحقیق مدرسه", "پروژه مدرسه", "برای مقاله", "تکلیف مدرسه",  // fa
    "د څېړنې لپاره", "د څیړنې لپاره", "د مقالې لپاره",  // ps
    "для реферату", "для доповіді", "для курсової", "для есе", "для презентації", "шкільного проєкту",  // uk
    "per una ricerca", "per un compito",  // it
    // A danger said of a whole age group is a statistic, asked about: "my teacher said suicide is common among
    // teens, is that true?". Not "a teacher said": a teacher's own threat is a danger.
    "among teens", "among teenagers", "among young people", "among youth", "chez les jeunes", "chez les ados",  // en fr
    "بين الشباب", "بين المراهقين", "بین نوجوانا", "بین نوجوانان", "بین جوانان", "بین جوونا",  // ar fa
    "په ځوانانو کې", "د ځوانانو ترمنځ", "серед підлітків", "серед молоді",  // ps uk
};
constexpr std::string_view kPresent[] = {
    "now", "still", "today", "tonight", "here", "at the moment", "currently", "in italy",                 // en
    "maintenant", "toujours", "encore", "aujourd'hui", "ce soir", "ici", "en ce moment", "actuellement",  // fr
    "en italie",
    "الان", "هلق", "هلا", "دلوقتي", "دلوقت", "هسه", "هسا", "توا", "دابا", "حاليا", "لسه", "لسا", "مازال",  // ar
    "ما زال", "لا يزال", "هنا", "هون", "اليوم", "الليلة", "النهارده", "في ايطاليا", "بايطاليا",
    "حالا", "همین حالا", "هنوز", "امروز", "امشب", "اینجا", "فعلا", "همینجا", "در ایتالیا", "تو ایتالیا",  // fa
    "اوس", "اوسمهال", "لا هم", "نن", "نن شپه", "دلته", "په ایټالیا کې",                                   // ps
    "зараз", "тепер", "досі", "ще", "сьогодні", "тут", "цієї ночі", "в італії",                             // uk
    "adesso", "ora", "ancora", "oggi", "stasera", "qui", "in italia",                                     // it
    // Someone at the door is there now, even a former partner: "my ex is at my door, he says he will kill me".
    "at my door", "outside my door", "at the door", "devant ma porte", "devant la porte", "على الباب",
    "قدام الباب", "دم در", "دم دره", "جلوی در", "په دروازه کې", "د دروازې مخې ته", "під дверима", "біля дверей",
    // A threat on what the writer does next is said now, wherever the family it names lives: "if I don't pay
    // they will hurt my family back home".
    "if i dont pay", "if i don't pay", "if i do not pay", "if i run", "if i escape", "if i talk", "if i tell",
    "si je paye pas", "si je paie pas", "si je rembourse pas", "si je fuis", "si je parle",
    "لو ما دفعتش", "لو مدفعتش", "اذا ما دفعت", "لو هربت", "اذا هربت", "لو حكيت", "اذا حكيت",
    "اگه پول ندی", "اگه پول ندم", "اگر پول ندهم", "اگه فرار کنم", "اگر فرار کنم", "اگه به کسی بگم",
    "که پیسې ورنکړې", "که پیسې ورنکړم", "که وتښتم", "که خبره وکړم",
    "якшо не заплачу", "якщо не заплачу", "якшо втечу", "якщо втечу", "якщо я втечу", "якщо розповім",
    // Going back to where the writer lives in Italy is no return home: "they will kill me if I go back to the
    // centro" is a threat now, where "if I go back" alone speaks of the country left (kElsewhere).
    "if i go back to the centre", "if i go back to the center", "if i go back to the centro",
    "if i go back to the camp", "if i go back to the shelter", "if i go back to the community",
    "if i return to the centre", "if i return to the center", "if i return to the camp",
    "si je retourne au centre", "si je retourne au centro", "si je retourne au foyer", "si je retourne au camp",
    "si je rentre au centre", "si je rentre au foyer",
    "لو رجعت عالمركز", "لو رجعت للمركز", "اذا رجعت عالمركز", "اذا رجعت للمركز", "لو رجعت عالكامب",
    "لو رجعت للكامب", "اذا رجعت عالكامب", "اذا رجعت للكامب", "لو رجعت للسكن", "اذا رجعت للسكن",
    "اگه برگردم کمپ", "اگر برگردم کمپ", "اگه برگردم به کمپ", "اگر برگردم به کمپ", "اگه برگردم مرکز",
    "اگه برگردم به مرکز", "اگر به کمپ برگردم", "اگه به کمپ برگردم",
    "که بیرته کمپ ته", "که بېرته کمپ ته", "که کمپ ته ورشم", "که بیرته مرکز ته",
    "якщо повернусь в центр", "якщо повернусь у центр", "якщо повернуся в центр", "якщо повернуся у центр",
    "якщо я повернусь в центр", "якщо я повернусь у центр", "якщо повернусь в табір", "якщо повернусь у табір",
    "se torno al centro", "se torno in comunità", "se torno al campo",
};

// Definition questions: asking what the danger word means ("what is trafficking", "c'est quoi le suicide",
// "خودکشی چیه") is asking about the topic. Only right next to the danger phrase, in either order (Persian and
// Pashto ask after the word), with at most an article between: "what is happening, he hits me" is not one.
constexpr std::string_view kDefinitions[] = {
    "what is", "what's", "whats", "what are", "what does", "meaning of", "definition of",                    // en
    "c'est quoi", "cest quoi", "qu'est ce que", "qu'est ce qu'un", "qu'est ce qu'une", "que veut dire",       // fr
    "ca veut dire quoi", "definition de",
    "ما هو", "ما هي", "شو يعني", "ايش يعني", "شنو يعني", "يعني ايه", "يعني شو", "ما معنى", "شو هو", "شنو هو",  // ar
    "چیه", "چی هست", "یعنی چی", "یعنی چه", "چیست", "یعنی چه چیزی", "معنی",                                // fa
    "څه شی دی", "څه شی ده", "څه ده", "څه دی", "څه ته وایي", "څه ته وايي", "معنا څه ده", "مانا څه ده",                           // ps
    "що таке", "що означає", "що значить", "визначення",                                                     // uk
    "cos'e", "che cos'e",                                                                                  // it
};
// What may stand between a definition question and its word.
bool is_article(const std::string& key) {
  static const std::vector<std::string> articles = {"the", "a", "an", "le", "la", "les", "l", "un", "une", "des", "du"};
  return std::find(articles.begin(), articles.end(), key) != articles.end();
}

// Words that end a clause as a comma does: "two years ago I wanted to die but now I am fine".
bool starts_clause(const std::string& folded_word) {
  static const std::vector<std::string> buts = [] {
    std::vector<std::string> v;
    for (const char* w : {"but", "mais", "ma", "لكن", "ولكن", "بس", "بصح", "ولی", "اما", "خو", "مګر", "але", "проте"})
      v.push_back(text::fold(w));
    return v;
  }();
  return std::find(buts.begin(), buts.end(), folded_word) != buts.end();
}

// Compound verbs and set phrases whose words are danger words elsewhere: the verb of "shout", "phone",
// "call" is "hit" in Persian and Pashto.
constexpr std::string_view kIdioms[] = {
    "hit me up", "hits me up", "dye my", "dye her", "dye his", "dye it", "suicide prevention", "prevention du suicide", "профілактика суїциду",
    "زنگ میزنه", "زنگ میزنن", "زنگ زد", "زنگ زدن", "صدا میزنه", "صدا میزنن", "صدا زد", "حرف میزنه",
    "حرف میزنن", "داد میزنه", "داد میزنن", "داد زد", "غر میزنه", "جیغ میزنه", "سر میزنه",
    "چیغې وهي", "چیغې وهلې", "چیغه وهي", "چیغې کوي", "زنګ وهي", "زنګ ووهه", "زنګ راته وهي", "غږ وهي",
    "غږ کوي", "ټوکې وهي",
    // Pashto "I kill (beat) this level" of a game; a game as such is no marker: a man met in a game may threaten.
    "مرحله وژنم", "مرحله ووژنم", "لیول وژنم", "لیول ووژنم",
    // Dying of tiredness or boredom (Persian, Pashto): tired, not dying.
    "از خستگی میمیرم", "از خستگی مردم", "از خستگی بمیرم", "از بیحوصلگی میمیرم", "از بی حوصلگی میمیرم",
    "له ستړیا مړ", "له ستړیا نه مړ", "د ستړیا نه مړ", "له ستړیا مرم",
};

// Arabic writes "and" (و) joined to the next word: "وقفلوا علي الباب" is "and they locked me in". Pashto's
// perfective verbs start with the same letter ("ووهلم"). A message word may therefore meet a phrase word
// with or without it; the phrase lists the bare form. Only when at least two letters remain, so a short word
// that merely starts with و is left alone.
constexpr std::string_view kWaw = "\xD9\x88";

std::string without_joined_and(const std::string& word) {
  if (word.size() < kWaw.size() || word.compare(0, kWaw.size(), kWaw) != 0) return {};
  std::string rest = word.substr(kWaw.size());
  return text::count_code_points(rest) >= 2 ? rest : std::string{};
}

// The first letter of a non-empty word, as UTF-8 bytes.
std::string_view lead(std::string_view w) {
  auto b = static_cast<uint8_t>(w[0]);
  return w.substr(0, b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4);
}

bool word_matches(const std::string& phrase_word, bool prefix, const std::string& word) {
  return prefix ? word.rfind(phrase_word, 0) == 0 : word == phrase_word;
}

// Arabic-script words as UTF-16 letters: every letter of the Arabic block is one UTF-16 unit and two UTF-8
// bytes, so a word converts both ways without ICU. False when the word has anything else (digits, Latin).
bool decode_arabic(std::string_view w, std::u16string& out) {
  out.clear();
  if (w.empty() || w.size() % 2) return false;
  for (size_t i = 0; i < w.size(); i += 2) {
    auto b0 = static_cast<uint8_t>(w[i]), b1 = static_cast<uint8_t>(w[i + 1]);
    if (b0 < 0xD8 || b0 > 0xDB || (b1 & 0xC0) != 0x80) return false;
    out.push_back(static_cast<char16_t>(((b0 & 0x1F) << 6) | (b1 & 0x3F)));
  }
  return true;
}

std::string encode_arabic(std::u16string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char16_t c : s) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return out;
}

bool starts(std::u16string_view s, std::u16string_view p) { return s.substr(0, p.size()) == p; }
bool ends(std::u16string_view s, std::u16string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Pashto typed on a Persian or Arabic keyboard: its own letters become their nearest common ones, and a lone
// hamza (written or not) goes.
void fold_pashto_letters(std::u16string& s) {
  std::u16string out;
  out.reserve(s.size());
  for (char16_t c : s) {
    switch (c) {
      case u'ټ': c = u'ت'; break;
      case u'ډ': c = u'د'; break;
      case u'ړ': c = u'ر'; break;
      case u'ږ': c = u'ژ'; break;
      case u'ښ': c = u'ش'; break;
      case u'ګ': c = u'گ'; break;
      case u'ڼ': c = u'ن'; break;
      case u'ې':
      case u'ۍ': c = u'ی'; break;
      case u'ء': continue;
      default: break;
    }
    out.push_back(c);
  }
  s.swap(out);
}

void key_letters(std::u16string& s, bool whole) {
  fold_pashto_letters(s);
  // Dari speech drops the r of کرد- (کدن, کدم for کردن, کردم).
  if (starts(s, u"کد")) s.insert(1, u"ر");
  // Arabic dialects mark tense on the verb: ب (habit, Egypt and the Levant), ه ح (future, Egypt), س (future,
  // standard), ک (Morocco) before the person prefix ي ت ن ا. بيقتلني, هيقتلني, كيقتلني are all يقتلني.
  // Not before the article: بالسكين is "with the knife".
  if (s.size() >= 4 && std::u16string_view(u"بهحسک").find(s[0]) != std::u16string_view::npos &&
      std::u16string_view(u"یتنا").find(s[1]) != std::u16string_view::npos && s.compare(1, 2, u"ال") != 0)
    s.erase(0, 1);
  if (!whole) return;
  // Colloquial Persian and Dari endings meet the written ones: میزنه → میزند, میکنن → میکنند, زدن → زدند.
  if (starts(s, u"می") || starts(s, u"نمی")) {
    if (ends(s, u"ه"))
      s.back() = u'د';
    else if (s.size() >= 4 && ends(s, u"ن"))
      s.push_back(u'د');
  } else if (s.size() >= 3 && ends(s, u"دن")) {
    s.push_back(u'د');
  }
  // Spellings of the same ending: قفلوا/قفلو, عليا/عليي/علي, ورايا/ورائي/وراي.
  if (s.size() >= 4 && ends(s, u"وا")) s.pop_back();
  if (s.size() >= 3 && (ends(s, u"یا") || ends(s, u"یی"))) s.pop_back();
  // The object "me" of Dari and written Persian (مرا, مره) is the spoken منو.
  if (s == u"مرا" || s == u"مره") s = u"منو";
}

// Egyptian and Maghrebi negation wraps the verb (مارجعش, مرجعش, مانقدرش); Levantine joins it (مابقدر). A
// word so wrapped becomes "ما" and the verb, as the phrases write it.
bool split_negation(const std::u16string& s, std::u16string& verb) {
  if (starts(s, u"ما") && s.size() >= 5) {
    verb = s.substr(2);
    if (ends(verb, u"ش") && verb.size() >= 4) verb.pop_back();
    return true;
  }
  if (starts(s, u"م") && ends(s, u"ش") && s.size() >= 5) {
    verb = s.substr(1, s.size() - 2);
    return true;
  }
  return false;
}

// A folded word, split where negation wraps it; each part a triage key.
void key_words(const std::string& word, bool whole, std::vector<std::string>& out) {
  std::u16string s, verb;
  if (!decode_arabic(word, s)) {
    out.push_back(word);
    return;
  }
  if (whole && split_negation(s, verb)) {
    out.push_back(encode_arabic(u"ما"));
    s.swap(verb);
  }
  key_letters(s, whole);
  out.push_back(encode_arabic(s));
}

// Persian writes می/نمی before a verb joined, with a zero-width non-joiner (folded away) or a space.
bool is_mi(std::string_view w) { return w == "\xD9\x85\xDB\x8C" || w == "\xD9\x86\xD9\x85\xDB\x8C"; }

// Sentence and clause ends in a raw message. A sentence scopes background markers; a clause (also ended by
// a comma) scopes present ones.
enum class Cut { kNone, kClause, kSentence };
Cut cut_at(std::string_view s, size_t i, size_t& len) {
  len = 1;
  switch (s[i]) {
    case '.': case '!': case '?': case '\n': return Cut::kSentence;
    case ',': case ';': return Cut::kClause;
    default: break;
  }
  std::string_view two = s.substr(i, 2);
  len = 2;
  if (two == "\xD8\x9F" || two == "\xDB\x94") return Cut::kSentence;  // ؟ ۔
  if (two == "\xD8\x8C" || two == "\xD8\x9B") return Cut::kClause;    // ، ؛
  len = 1;
  return Cut::kNone;
}
}  // namespace

// A message's words as triage keys, each with up to two more forms: without a joined Arabic "and", and joined
// to a Persian می written apart before it. Empty when a word has no such form. Then the danger words a
// misspelt word reads as (typos[typos_end[i - 1], typos_end[i])), which only danger phrases and pair sides
// see, and the short danger words a short word reads as (short_typos, likewise), which only a phrase whose
// other words are exact sees.
struct SafetyTriage::MessageWords {
  std::vector<std::string> forms[3];
  std::vector<std::string> typos, short_typos;
  std::vector<uint32_t> typos_end, short_end;
  std::vector<uint16_t> sentence, clause;
  size_t size() const { return forms[0].size(); }
  size_t typos_begin(size_t i) const { return i ? typos_end[i - 1] : 0; }
  size_t short_begin(size_t i) const { return i ? short_end[i - 1] : 0; }
  bool matches_short(const Word& w, size_t i) const {
    for (size_t t = short_begin(i); t < short_end[i]; ++t)
      if (word_matches(w.text, w.prefix, short_typos[t])) return true;
    return false;
  }
  bool matches(const Word& w, size_t i, bool with_typos) const {
    for (const auto& f : forms)
      if (!f[i].empty() && word_matches(w.text, w.prefix, f[i])) return true;
    if (with_typos)
      for (size_t t = typos_begin(i); t < typos_end[i]; ++t)
        if (word_matches(w.text, w.prefix, typos[t])) return true;
    return false;
  }
  void add(const std::string& folded_word, uint16_t s, uint16_t c, const std::string* previous,
           const OneEditIndex& danger_words, const OneEditIndex& short_danger_words) {
    std::vector<std::string> keys, bare, joined;
    key_words(folded_word, true, keys);
    if (std::string w = without_joined_and(folded_word); !w.empty()) key_words(w, true, bare);
    if (bare.size() > 1) {  // "and" before a wrapped negation (ومارجعتش): the و can only be "and"
      keys.swap(bare);
      bare.clear();
    }
    if (previous && is_mi(*previous)) key_words(*previous + folded_word, true, joined);
    for (size_t k = 0; k < keys.size(); ++k) {
      forms[0].push_back(keys[k]);
      forms[1].push_back(keys.size() == 1 && bare.size() == 1 && bare[0] != keys[0] ? bare[0] : std::string{});
      forms[2].push_back(k == 0 && joined.size() == 1 ? joined[0] : std::string{});
      sentence.push_back(s);
      clause.push_back(c);
      for (const auto& f : forms)
        if (!f.back().empty()) {
          danger_words.corrections(f.back(), typos);
          short_danger_words.corrections(f.back(), short_typos);
        }
      typos_end.push_back(static_cast<uint32_t>(typos.size()));
      short_end.push_back(static_cast<uint32_t>(short_typos.size()));
    }
  }
};

std::string SafetyTriage::key(const std::string& folded_word, bool whole) {
  std::vector<std::string> keys;
  key_words(folded_word, whole, keys);
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : " ") + k;
  return out;
}

void SafetyTriage::add(const std::string& phrase, Kind kind, uint16_t category, uint32_t pair, uint8_t side) {
  Phrase p;
  p.kind = kind;
  p.category = category;
  p.pair = pair;
  p.side = side;
  // Keep '*' through folding: split on spaces first, fold each word, then re-attach the prefix marks.
  std::string folded = text::fold(phrase);
  std::vector<std::string> words = text::words(folded);
  std::vector<bool> prefix(words.size(), false);
  size_t pos = 0;
  for (size_t wi = 0; wi < words.size(); ++wi) {
    size_t at = folded.find(words[wi], pos);
    if (at == std::string::npos) break;
    pos = at + words[wi].size();
    prefix[wi] = pos < folded.size() && folded[pos] == '*';
  }
  for (size_t wi = 0; wi < words.size(); ++wi) {
    // A Persian می written apart in a phrase is the joined prefix of the next word.
    if (is_mi(words[wi]) && wi + 1 < words.size()) {
      words[wi + 1] = words[wi] + words[wi + 1];
      continue;
    }
    std::vector<std::string> keys;
    key_words(words[wi], !prefix[wi], keys);
    for (size_t k = 0; k < keys.size(); ++k) {
      p.words.push_back({keys[k], prefix[wi] && k + 1 == keys.size()});
      if (kind == Kind::kDanger || kind == Kind::kPairSide) typos_.add(p.words.back().text, p.words.back().prefix);
    }
  }
  if (p.words.empty()) return;
  if ((kind == Kind::kDanger || kind == Kind::kPairSide) && p.words.size() >= 2)
    for (const Word& w : p.words)
      if (!w.prefix) short_typos_.add(w.text, false);
  auto id = static_cast<uint32_t>(phrases_.size());
  if (p.words[0].prefix)
    prefix_first_[std::string(lead(p.words[0].text))].push_back(id);
  else
    by_first_word_[p.words[0].text].push_back(id);
  phrases_.push_back(std::move(p));
}

SafetyTriage::SafetyTriage(const Content& content) : categories_(content.safety) {
  for (size_t c = 0; c < categories_.size(); ++c) {
    auto category = static_cast<uint16_t>(c);
    for (const auto& [lang, list] : categories_[c].phrases) {
      for (const auto& phrase : list) {
        size_t plus = phrase.find(" + ");
        if (plus == std::string::npos) {
          add(phrase, Kind::kDanger, category);
          continue;
        }
        auto pair = static_cast<uint32_t>(pair_category_.size());
        pair_category_.push_back(category);
        std::string_view sides[2] = {std::string_view(phrase).substr(0, plus),
                                     std::string_view(phrase).substr(plus + 3)};
        for (uint8_t side = 0; side < 2; ++side) {
          std::string_view rest = sides[side];
          while (!rest.empty()) {
            size_t bar = rest.find('|');
            add(std::string(rest.substr(0, bar)), Kind::kPairSide, category, pair, side);
            rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
          }
        }
      }
    }
  }
  for (auto m : kPast) add(std::string(m), Kind::kPast, 0);
  for (auto m : kElsewhere) add(std::string(m), Kind::kElsewhere, 0);
  for (auto m : kAbout) add(std::string(m), Kind::kAbout, 0);
  for (auto m : kPresent) add(std::string(m), Kind::kPresent, 0);
  for (auto m : kIdioms) add(std::string(m), Kind::kIdiom, 0);
  for (auto m : kDefinitions) add(std::string(m), Kind::kDefinition, 0);
  // The knowledge base is written with care: a word it uses is spelt right, not a misspelt danger word.
  std::unordered_set<std::string> seen;
  std::vector<std::string> keys;
  auto known = [&](const std::string& text) {
    for (const std::string& w : text::words(text::fold(text))) {
      if (!seen.insert(w).second) continue;
      keys.clear();
      key_words(w, true, keys);
      for (const auto& k : keys) {
        typos_.add_known(k);
        short_typos_.add_known(k);
      }
    }
  };
  for (const Article& a : content.articles)
    for (const auto& [lang, t] : a.text) {
      for (const std::string* part : {&t.title, &t.short_text, &t.body}) known(*part);
      for (const auto& list : {&t.keywords, &t.questions})
        for (const auto& q : *list) known(q);
    }
}

template <typename Meets>
size_t SafetyTriage::walk(const Phrase& p, const MessageWords& words, size_t start, size_t max_gap, bool in_clause,
                          Meets&& meets) {
  if (!meets(p.words[0], start)) return std::string::npos;
  size_t i = start + 1;
  for (size_t k = 1; k < p.words.size(); ++k) {
    bool found = false;
    for (size_t gap = 0; gap <= max_gap && i < words.size(); ++gap, ++i) {
      if (in_clause && words.clause[i] != words.clause[start]) return std::string::npos;
      if (meets(p.words[k], i)) {
        found = true;
        ++i;
        break;
      }
    }
    if (!found) return std::string::npos;
  }
  return i - 1;
}

size_t SafetyTriage::match_end(const Phrase& p, const MessageWords& words, size_t start) const {
  // Markers and idioms match as written: a misspelt word may be danger, never background.
  const bool with_typos = p.kind == Kind::kDanger || p.kind == Kind::kPairSide;
  // A marker stays within its clause: "locked us in. In Libya…" is not "in … Libya".
  const bool marker = p.kind == Kind::kPast || p.kind == Kind::kElsewhere || p.kind == Kind::kAbout ||
                      p.kind == Kind::kPresent || p.kind == Kind::kDefinition;
  return walk(p, words, start, marker ? 0 : kMaxGap, marker,
              [&](const Word& w, size_t i) { return words.matches(w, i, with_typos); });
}

size_t SafetyTriage::match_end_short_typo(const Phrase& p, const MessageWords& words, size_t start) const {
  if ((p.kind != Kind::kDanger && p.kind != Kind::kPairSide) || p.words.size() < 2) return std::string::npos;
  bool used = false;  // the one word read through a short typo
  size_t end = walk(p, words, start, kMaxGap, false, [&](const Word& w, size_t i) {
    if (words.matches(w, i, false)) return true;
    if (used || !words.matches_short(w, i)) return false;
    used = true;
    return true;
  });
  return used ? end : std::string::npos;  // spelt exactly: match_end's
}

bool SafetyTriage::is_category_article(const std::string& article_id) const {
  return article_id != kEmergencyArticle &&
         std::any_of(categories_.begin(), categories_.end(),
                     [&](const SafetyCategory& c) { return c.article == article_id; });
}

TriageResult SafetyTriage::assess(const std::string& raw) const {
  // Words of the message, by clause and sentence.
  MessageWords words;
  std::string_view msg = text::truncate_utf8(raw, kMaxTriageBytes);
  uint16_t sentence = 0, clause = 0;
  for (size_t begin = 0, i = 0; i <= msg.size();) {
    size_t len = 1;
    Cut cut = i < msg.size() ? cut_at(msg, i, len) : Cut::kSentence;
    if (cut == Cut::kNone) {
      i += len;
      continue;
    }
    std::vector<std::string> piece = text::words(text::fold(msg.substr(begin, i - begin)));
    for (size_t w = 0; w < piece.size(); ++w) {
      if (w > 0 && starts_clause(piece[w])) ++clause;
      words.add(piece[w], sentence, clause, w ? &piece[w - 1] : nullptr, typos_, short_typos_);
    }
    if (!piece.empty()) {
      ++clause;
      if (cut == Cut::kSentence) ++sentence;
    }
    i += len;
    begin = i;
  }

  struct Hit {
    uint32_t phrase, pos, end;
  };
  std::vector<Hit> hits;
  for (size_t i = 0; i < words.size(); ++i) {
    auto check = [&](uint32_t id) {
      size_t end = match_end(phrases_[id], words, i);
      if (end == std::string::npos && !words.short_typos.empty()) end = match_end_short_typo(phrases_[id], words, i);
      if (end != std::string::npos) hits.push_back({id, static_cast<uint32_t>(i), static_cast<uint32_t>(end)});
    };
    auto starting_with = [&](const std::string& form) {
      if (form.empty()) return;
      if (auto it = by_first_word_.find(form); it != by_first_word_.end())
        for (uint32_t id : it->second) check(id);
      if (auto it = prefix_first_.find(std::string(lead(form))); it != prefix_first_.end())
        for (uint32_t id : it->second) check(id);
    };
    for (const auto& form : words.forms) starting_with(form[i]);
    for (size_t t = words.typos_begin(i); t < words.typos_end[i]; ++t) starting_with(words.typos[t]);
    for (size_t t = words.short_begin(i); t < words.short_end[i]; ++t) starting_with(words.short_typos[t]);
  }
  if (hits.empty()) return {};

  // Background sentences, present clauses, idioms, and the danger found: phrases, and pairs whose two sides
  // met, neither inside an idiom.
  std::vector<bool> past(sentence + 1u, false), elsewhere(sentence + 1u, false), about(sentence + 1u, false),
      present(clause + 1u, false);
  for (const Hit& h : hits) {
    Kind kind = phrases_[h.phrase].kind;
    if (kind == Kind::kPast) past[words.sentence[h.pos]] = true;
    if (kind == Kind::kElsewhere) elsewhere[words.sentence[h.pos]] = true;
    if (kind == Kind::kAbout) about[words.sentence[h.pos]] = true;
    if (kind == Kind::kPresent) present[words.clause[h.pos]] = true;
  }
  auto in_idiom = [&](const Hit& h) {
    return std::any_of(hits.begin(), hits.end(), [&](const Hit& idiom) {
      return phrases_[idiom.phrase].kind == Kind::kIdiom && idiom.pos <= h.end && h.pos <= idiom.end;
    });
  };
  auto defined = [&](const Hit& h) {
    return std::any_of(hits.begin(), hits.end(), [&](const Hit& q) {
      if (phrases_[q.phrase].kind != Kind::kDefinition || words.clause[q.pos] != words.clause[h.pos]) return false;
      if (h.end + 1 == q.pos) return true;  // the word, then the question (fa, ps, "يعني ايه")
      return q.end + 1 == h.pos || (q.end + 2 == h.pos && is_article(words.forms[0][q.end + 1]));
    });
  };
  struct Danger {
    uint16_t category;
    uint32_t pos;
  };
  std::vector<Danger> dangers;
  for (const Hit& h : hits) {
    const Phrase& p = phrases_[h.phrase];
    if (p.kind == Kind::kDanger && !in_idiom(h) && !(defined(h) && !present[words.clause[h.pos]]))
      dangers.push_back({p.category, h.pos});
    if (p.kind != Kind::kPairSide || p.side != 1 || in_idiom(h)) continue;
    for (const Hit& other : hits) {
      const Phrase& q = phrases_[other.phrase];
      if (q.kind == Kind::kPairSide && q.side == 0 && q.pair == p.pair && !in_idiom(other) &&
          std::max(h.pos, other.pos) - std::min(h.pos, other.pos) <= kPairWindow) {
        dangers.push_back({p.category, h.pos});
        break;
      }
    }
  }

  TriageResult r;
  for (const Danger& d : dangers) {
    const SafetyCategory& c = categories_[d.category];
    // Self-harm is background only when long past or asked about for study: "if I go back I will kill myself"
    // is said now.
    const size_t s = words.sentence[d.pos];
    if ((past[s] || about[s] || (c.id != "self-harm" && elsewhere[s])) && !present[words.clause[d.pos]]) continue;
    if (!r.urgent || (r.article == kEmergencyArticle && c.article != kEmergencyArticle)) {
      r.urgent = true;
      r.category = c.id;
      r.article = c.article;
    }
    if (r.article != kEmergencyArticle) break;  // specific: done; generic: a specific one may still follow
  }
  return r;
}

}  // namespace approdo
