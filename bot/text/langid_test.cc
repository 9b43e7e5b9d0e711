#include "bot/text/langid.h"

#include <doctest/doctest.h>

#include <map>
#include <vector>

namespace approdo::text {
namespace {

// Short, informal messages of the kind people send, written for this test (not from any evaluation set).
const std::map<std::string, std::vector<std::string>> kMessages = {
    {"en",
     {"i need help", "where is the questura", "how can i get my permesso di soggiorno", "they say i am 19 but i am 16",
      "can i go to school here", "my tutore does not answer me", "what is the commissione", "i lost my passport",
      "is the doctor free for me", "hello", "im scared they will send me back", "how long for the ricorso"}},
    {"fr",
     {"j'ai besoin d'aide", "ou est la questura", "comment avoir le permesso", "ils disent que j'ai 19 ans mais j'ai 16",
      "je veux aller à l'école", "mon tuteur ne répond pas", "c'est quoi la commission", "j'ai perdu mon passeport",
      "bonjour", "est-ce que le médecin est gratuit", "jai peur quils me renvoient", "combien de temps pour le recours"}},
    {"it",
     {"ho bisogno di aiuto", "dove si trova la questura", "come posso avere il permesso di soggiorno", "ciao",
      "voglio andare a scuola", "il mio tutore non mi risponde", "cosa è la commissione", "ho perso il passaporto",
      "il medico è gratis per me", "quanto tempo per il ricorso", "non ho un posto per dormire"}},
    {"ar",
     {"أحتاج مساعدة", "أين الكويستورا", "كيف أحصل على تصريح الإقامة", "يقولون عمري 19 لكن عمري 16",
      "هل يمكنني الذهاب إلى المدرسة", "الوصي لا يرد علي", "ما هي اللجنة", "فقدت جواز السفر", "مرحبا",
      "هل الطبيب مجاني", "اريد محامي للطعن", "ليس عندي مكان للنوم"}},
    {"fa",
     {"کمک میخواهم", "کوستوره کجا است", "چطور اجازه اقامت بگیرم", "میگن ۱۹ ساله هستی ولی من ۱۶ ساله هستم",
      "میتوانم به مکتب بروم", "سرپرستم جواب نمیدهد", "کمیسیون چیست", "پاسپورتم گم شده", "سلام داکتر رایگان است؟",
      "جای خواب ندارم", "برای ریکورسو چقدر وقت دارم", "من از افغانستان هستم و تنها آمدم"}},
    {"ps",
     {"زه مرسته غواړم", "کوستوره چېرته ده", "څنګه د اوسیدو اجازه واخلم", "وايي چې زه ۱۹ کلن یم خو زه ۱۶ کلن یم",
      "ایا زه ښوونځي ته تللی شم", "زما سرپرست ځواب نه راکوي", "کمیسیون څه شی دی", "زما پاسپورټ ورک شو",
      "ډاکټر وړیا دی؟", "د ویدو ځای نشته", "د ریکورس لپاره څومره وخت لرم", "زه له افغانستان څخه یم"}},
    {"uk",
     {"мені потрібна допомога", "де квестура", "як отримати дозвіл на проживання", "кажуть мені 19 але мені 16",
      "чи можу я піти до школи", "мій опікун не відповідає", "що таке комісія", "я загубив паспорт", "привіт",
      "чи лікар безкоштовний", "де можна поїсти", "як продовжити тимчасовий захист"}},
};

TEST_CASE("language identification on short informal messages: at least 90% per language") {
  for (const auto& entry : kMessages) {
    const std::string& lang = entry.first;  // CAPTURE is a lambda: it may not capture a binding (clang 14)
    const auto& messages = entry.second;
    int right = 0;
    for (const auto& m : messages) {
      auto g = identify_language(m);
      if (g.lang == lang) {
        ++right;
      } else {
        MESSAGE(lang << ": '" << m << "' → " << g.lang << " (" << g.confidence << ")");
      }
    }
    CAPTURE(lang);
    CHECK(right * 10 >= static_cast<int>(messages.size()) * 9);
  }
}

TEST_CASE("Italian words inside English and French do not flip the language") {
  CHECK(identify_language("where is the questura for my permesso").lang == "en");
  CHECK(identify_language("je dois aller à la questura avec mon tutore").lang == "fr");
}

TEST_CASE("Italian terms inside Dari or Ukrainian sentences do not make them Italian") {
  CHECK(identify_language("il permesso di soggiorno per motivi familiari کجا میگیرم؟").lang == "fa");
  CHECK(identify_language("де зробити carta d'identità elettronica в комуні?").lang == "uk");
}

// Many Afghans type on an Arabic keyboard: ي and ك for ی and ک, and often no Persian letter at all. The verbs
// say it is Dari; and a short Pashto message without a Pashto-only letter is still Pashto.
TEST_CASE("Dari typed with Arabic letters is Dari; short Pashto without its own letters is Pashto") {
  CHECK(identify_language("مجبورم ميكنن عروسي كنم").lang == "fa");
  CHECK(identify_language("شكمم درد ميكنه").lang == "fa");
  CHECK(identify_language("تل ویره لرم").lang == "ps");
  CHECK(identify_language("كيف احصل على الاقامة").lang == "ar");  // Arabic stays Arabic
  CHECK(identify_language("عندي مشكلة في الكامب").lang == "ar");
  CHECK(identify_language("شو بصير لما كمل 18").lang == "ar");  // Levantine "what", not Pashto "became"
}

TEST_CASE("no letters, no language; clear text, high confidence") {
  CHECK(identify_language("").lang == "");
  CHECK(identify_language("123 😀 !!").lang == "");
  CHECK(identify_language("I need help please, where can I go").confidence >= 0.8);
  CHECK(identify_language("زه مرسته غواړم").confidence >= 0.8);
}

}  // namespace
}  // namespace approdo::text
