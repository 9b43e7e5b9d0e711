#include "bot/kb/safety.h"

#include <doctest/doctest.h>

#include "bot/kb/knowledge.h"
#include "bot/text/normalize.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

SafetyTriage triage_of(std::map<std::string, std::vector<std::string>> phrases) {
  Content content;
  content.safety.push_back({"trafficking", "trafficking-exploitation", std::move(phrases)});
  return SafetyTriage(content);
}

SafetyTriage triage_of(const std::string& category, std::map<std::string, std::vector<std::string>> phrases) {
  Content content;
  content.safety.push_back({category, "an-article", std::move(phrases)});
  return SafetyTriage(content);
}

TEST_CASE("phrases meet messages in order, with at most two words between, prefixes with '*'") {
  auto triage = triage_of({{"en", {"took my passport", "lock* me in"}}});
  CHECK(triage.assess("the boss took my passport").urgent);
  CHECK(triage.assess("he TOOK all of my passport").urgent);          // two words between
  CHECK(!triage.assess("he took it and then my old passport").urgent);  // three
  CHECK(triage.assess("they locked me in").urgent);
  CHECK(!triage.assess("my passport was took").urgent);  // out of order
  CHECK(triage.assess("they locked me in").category == "trafficking");
}

TEST_CASE("an Arabic 'and' joined to a word still meets the phrase's bare word") {
  auto triage = triage_of({{"ar", {"قفلوا علي الباب", "ما بيخلوني اطلع", "اخذوا جوازي"}}});
  CHECK(triage.assess("اخدوا جوازي وقفلوا علي الباب").urgent);  // و + the phrase's first word
  CHECK(triage.assess("بيشغلوني بالغصب وما بيخلوني اطلع").urgent);
  CHECK(triage.assess("واخذوا وجوازي").urgent);  // on every word of the phrase
  CHECK(!triage.assess("وقفلوا المحل بدري").urgent);  // the first word alone is not the phrase
  // Two letters left are enough ("وما" is "and not"); one is not a word of its own.
  CHECK(triage_of({{"ar", {"ما اكلت"}}}).assess("وما اكلت").urgent);
  CHECK(!triage_of({{"ar", {"ل صغير"}}}).assess("ول صغير").urgent);
}

TEST_CASE("Arabic dialect tense prefixes meet the phrase's verb") {
  auto triage = triage_of({{"ar", {"يقتلني", "يهددني بال*", "تغرق"}}});
  CHECK(triage.assess("بيقتلني كل ما يشوفني").urgent);  // Egypt, Levant: habit
  CHECK(triage.assess("هيقتلني لو عرف").urgent);        // Egypt: future
  CHECK(triage.assess("حيقتلني").urgent);
  CHECK(triage.assess("سيقتلني").urgent);               // standard future
  CHECK(triage.assess("كيقتلني").urgent);               // Morocco
  CHECK(triage.assess("وبيهددني بالسكين").urgent);       // and + habit, on a prefix word
  CHECK(triage.assess("الفلوكة كتغرق").urgent);
  CHECK(!triage.assess("بيقتل الوقت").urgent);           // another word
  // Short words keep their first letter: بيت (house) is not يت.
  CHECK(SafetyTriage::key(text::fold("بيت")) == text::fold("بيت"));
}

TEST_CASE("endings of the same word meet: dialect spellings, negation around the verb") {
  auto triage = triage_of({{"ar", {"قفلوا عليا", "ما رجع", "ما بيخلوني اطلع"}}});
  CHECK(triage.assess("قفلو علي الباب").urgent);  // و/وا, علي/عليا
  CHECK(triage.assess("سكروا وقفلوا عليي").urgent);
  CHECK(triage.assess("اخويا مارجعش").urgent);  // Egypt: ما…ش
  CHECK(triage.assess("ابني مرجعش من امبارح").urgent);
  CHECK(triage.assess("مابيخلوني اطلع").urgent);  // Levant: ما joined
  CHECK(!triage.assess("رجع البيت").urgent);
}

TEST_CASE("Persian and Dari verbs: spoken and written endings, می apart, Dari کدن") {
  auto triage = triage_of({{"fa", {"منو میزنه", "قفلم کردن", "مرا میکشند"}}});
  CHECK(triage.assess("او مرا میزند").urgent);  // written Persian
  CHECK(triage.assess("مره میزنه").urgent);     // Dari
  CHECK(triage.assess("منو می زنه").urgent);    // می written apart
  CHECK(triage.assess("قفلم کدن").urgent);      // Dari
  CHECK(triage.assess("قفلم کردند").urgent);
  CHECK(triage.assess("منو میکشن").urgent);
  CHECK(!triage.assess("منو نمیزنه").urgent);  // the negation stays
}

TEST_CASE("Pashto typed with Persian letters meets the phrase") {
  auto triage = triage_of({{"ps", {"بند یې کړم", "ډوبیږي"}}});
  CHECK(triage.assess("په کوټه کې بند یی کرم").urgent);
  CHECK(triage.assess("کشتی دوبیږی").urgent);
  CHECK(triage.assess("کښتۍ ډوبېږي").urgent);
}

TEST_CASE("a pair: one side's words and the other's anywhere near, in either order") {
  auto triage = triage_of("missing-child", {{"en", {"my brother|my sister + not back|missing"}},
                                            {"ar", {"اخوي|اختي + ما رجع|ما رجعت"}}});
  CHECK(triage.assess("my little sister went out this morning and she is still not back").urgent);
  CHECK(triage.assess("he is missing since yesterday, my brother").urgent);
  CHECK(triage.assess("اختي طلعت الصبح ومارجعتش").urgent);
  CHECK(!triage.assess("my sister is fine").urgent);
  CHECK(!triage.assess("the bus is not back yet").urgent);
  CHECK(!triage.assess("my brother went to the station to buy a ticket for the train to rome and we waited "
                       "for hours in the cold rain at the bus stop but the bus is not back")
             .urgent);  // too far apart
}

TEST_CASE("the past, elsewhere and 'if I go back' are background; now, still and here are not") {
  auto triage = triage_of({{"en", {"locked us in", "kill me"}},
                           {"ar", {"حابسينا", "يقتلوني"}},
                           {"fa", {"زندانی کردن"}},
                           {"uk", {"тримали в підвалі"}}});
  CHECK(triage.assess("they locked us in").urgent);
  CHECK(!triage.assess("in libya they locked us in for months").urgent);
  CHECK(!triage.assess("in Libya they locked us in for months, now I want to ask for asylum").urgent);
  CHECK(!triage.assess("if I go back to my country they will kill me, can I get asylum?").urgent);
  CHECK(!triage.assess("they locked us in a house last year").urgent);
  CHECK(triage.assess("last year I was in Libya, now the boss here locked us in").urgent);  // present clause
  CHECK(triage.assess("they locked us in. In Libya it was the same").urgent);  // another sentence
  CHECK(triage.assess("my old boss still locked us in").urgent);
  CHECK(!triage.assess("في ليبيا كانوا حابسينا في مخزن شهور، دلوقتي عايز اقدم لجوء").urgent);
  CHECK(triage.assess("حابسينا في مخزن ولسه ما خرجنا").urgent);
  CHECK(!triage.assess("لو رجعت بلدي هيقتلوني، ينفع اخد لجوء؟").urgent);
  CHECK(!triage.assess("تو لیبی ماه ها ما رو زندانی کردن، حالا میخوام پناهندگی بگیرم").urgent);
  CHECK(triage.assess("ما رو زندانی کردن").urgent);
  CHECK(!triage.assess("в Росії нас тримали в підвалі місяць").urgent);
  CHECK(triage.assess("нас тримали в підвалі").urgent);
}

TEST_CASE("a danger word inside an idiom is not the danger") {
  auto triage = triage_of("violence", {{"ps", {"مې وهي"}}, {"fa", {"منو میزنه"}}, {"en", {"hit me"}}});
  CHECK(triage.assess("میړه مې هره ورځ وهي").urgent);
  CHECK(!triage.assess("مالک مې راباندې چیغې وهي").urgent);  // shouts at me
  CHECK(triage.assess("منو میزنه").urgent);
  CHECK(!triage.assess("منو صدا میزنه").urgent);  // calls me
  CHECK(!triage.assess("hit me up on whatsapp").urgent);
  CHECK(triage.assess("he hit me up and then he hit me").urgent);
}

TEST_CASE("self-harm is background only when long past") {
  auto triage = triage_of("self-harm", {{"en", {"kill myself"}}, {"fa", {"خودمو بکشم"}}, {"ar", {"انتحر"}}});
  CHECK(triage.assess("if I go back to Libya I will kill myself").urgent);
  CHECK(triage.assess("اگه برگردم افغانستان خودمو بکشم").urgent);
  CHECK(!triage.assess("two years ago I wanted to kill myself but now I am fine").urgent);
  CHECK(triage.assess("last year I tried to kill myself and I still want to").urgent);
  CHECK(!triage.assess("من سنتين كنت بفكر انتحر بس دلوقتي كويس").urgent);
  CHECK(triage.assess("بفكر انتحر").urgent);
}

TEST_CASE("a question for school or research is background, self-harm included, unless its clause says now") {
  auto triage = triage_of("violence", {{"en", {"husband hits"}}, {"ar", {"جوزها بيضربها"}}, {"uk", {"б'є чоловік"}}});
  CHECK(triage.assess("my husband hits me").urgent);
  CHECK(!triage.assess("what are the rights of a woman whose husband hits her, it is for a school project").urgent);
  CHECK(triage.assess("I missed my school project, now my husband hits me").urgent);  // present clause
  CHECK(triage.assess("my husband hits me. I also need help for my homework").urgent);  // another sentence
  CHECK(!triage.assess("ايه حقوق الست اللي جوزها بيضربها، ده عشان بحث").urgent);
  CHECK(!triage.assess("які права у жінки яку б'є чоловік, це для реферату").urgent);
  auto self_harm = triage_of("self-harm", {{"en", {"suicid*"}}, {"fr", {"suicid*"}}});
  CHECK(self_harm.assess("i think about suicide").urgent);
  CHECK(!self_harm.assess("how many young people think about suicide, for my research").urgent);
  CHECK(!self_harm.assess("le suicide chez les jeunes, c'est pour un exposé").urgent);
}

TEST_CASE("a threat on what the writer does next is said now, wherever the family it names lives") {
  auto triage = triage_of({{"en", {"hurt my family"}}, {"fr", {"mal a ma famille"}}, {"fa", {"خانوادت + آسیب"}}});
  CHECK(triage.assess("they will hurt my family").urgent);
  CHECK(!triage.assess("back home they hurt my family, can I ask for protection").urgent);  // elsewhere
  CHECK(triage.assess("the madam says if i dont pay they hurt my family back home").urgent);
  CHECK(triage.assess("la madame dit si je paye pas ils font du mal a ma famille au pays").urgent);
  CHECK(triage.assess("خانمه میگه اگه پول ندی به خانوادت در افغانستان آسیب میزنیم").urgent);
}

TEST_CASE("going back to the centre or the camp in Italy is no return home: a threat on it is now") {
  auto triage = triage_of("violence", {{"en", {"kill me"}}, {"fr", {"me tuer"}}, {"fa", {"منو میکشن"}},
                                       {"uk", {"вбють"}}});
  CHECK(!triage.assess("they will kill me if i go back").urgent);  // the country left: asylum, not now
  CHECK(!triage.assess("they will kill me if i go back to afghanistan").urgent);
  CHECK(triage.assess("some guys said they will kill me if i go back to the centro").urgent);
  CHECK(triage.assess("des gars ont dit qu'ils vont me tuer si je retourne au centre").urgent);
  CHECK(triage.assess("تهدیدم کردن که اگه برگردم کمپ منو میکشن").urgent);
  CHECK(triage.assess("погрожують що вбють якщо повернусь в центр").urgent);
}

TEST_CASE("someone at the door is there now, even a former partner") {
  auto triage = triage_of("violence", {{"en", {"kill me"}}, {"uk", {"прикінчить мене"}}});
  CHECK(!triage.assess("my former boyfriend wanted to kill me").urgent);  // "my former": the past
  CHECK(triage.assess("my former boyfriend is at my door and says he will kill me").urgent);
  CHECK(triage.assess("колишній під дверима каже шо прикінчить мене").urgent);
}

TEST_CASE("what the rules allow an employer, and a story in the news, are background") {
  auto triage = triage_of({{"en", {"keep my passport"}}, {"fr", {"bateau + coule"}}, {"uk", {"човен + потонув"}}});
  CHECK(triage.assess("my employer will keep my passport").urgent);
  CHECK(!triage.assess("can my employer keep my passport").urgent);
  CHECK(triage.assess("le bateau coule").urgent);
  CHECK(!triage.assess("j'ai lu qu'un bateau avait coulé").urgent);
  CHECK(!triage.assess("в новинах казали що човен потонув").urgent);
  CHECK(!triage_of("danger", {{"fa", {"چاقو خورد"}}}).assess("در خبرها گفتن یک پسر در میلان چاقو خورد").urgent);
  CHECK(triage_of("danger", {{"fa", {"چاقو خورد"}}}).assess("دوستم چاقو خورد").urgent);
}

TEST_CASE("beating a game's level is not a kill; a threat from a man met in a game still is") {
  auto triage = triage_of("danger", {{"ps", {"وژنم"}}, {"en", {"kill me"}}});
  CHECK(!triage.assess("په لوبه کې دا مرحله وژنم").urgent);
  CHECK(triage.assess("وژنم دې").urgent);
  CHECK(triage.assess("a man from the game says he will kill me").urgent);
}

TEST_CASE("a danger said of a whole age group is a statistic asked about; a teacher's own threat is not") {
  auto triage = triage_of("self-harm", {{"en", {"suicide", "hurt me"}}, {"uk", {"самогубства"}}});
  CHECK(!triage.assess("my teacher said suicide is a big problem among teens is that true").urgent);
  CHECK(!triage.assess("вчителька сказала що самогубства серед підлітків часті це правда?").urgent);
  CHECK(triage.assess("my teacher said he will hurt me if i tell").urgent);
  CHECK(triage.assess("suicide. among teens it is common they say").urgent);  // another sentence
}

TEST_CASE("dying of tiredness is being tired") {
  auto triage = triage_of("danger", {{"fa", {"دارم میمیرم"}}, {"ps", {"مړ کیږم"}}});
  CHECK(!triage.assess("از خستگی دارم میمیرم").urgent);
  CHECK(triage.assess("کمک کنید دارم میمیرم").urgent);
  CHECK(!triage.assess("له ستړیا مړ کیږم").urgent);
  CHECK(triage.assess("مرسته وکړئ مړ کیږم").urgent);
}

TEST_CASE("markers match word after word: 'if I tell anyone' is not 'if someone'") {
  auto triage = triage_of("danger", {{"fa", {"تهدیدم", "دنبالم"}}, {"fr", {"me tuer"}}});
  CHECK(triage.assess("تهدیدم کرده که اگه به کسی بگم میکشتم").urgent);
  CHECK(!triage.assess("اگه کسی تو خیابون دنبالم کنه چیکار کنم؟").urgent);
  CHECK(!triage.assess("en Libye ils voulaient me tuer il y a deux ans").urgent);
}

TEST_CASE("dyeing hair is not dying; reading about a wreck, what someone else should do, are background") {
  auto triage = triage_of("self-harm", {{"en", {"i want to dye"}}, {"fa", {"غرق شد"}}, {"ps", {"وځوروي"}}});
  CHECK(triage.assess("i want to dye").urgent);
  CHECK(!triage.assess("i want to dye my hair blue").urgent);
  CHECK(!triage_of("danger", {{"fa", {"غرق شد"}}}).assess("درباره یک قایق که غرق شد خوندم").urgent);
  CHECK(!triage_of("violence", {{"ps", {"وځوروي"}}}).assess("که په بس کې یوه نجلۍ وځوروي څه وکړي").urgent);
  CHECK(triage_of("violence", {{"ps", {"وځوروي"}}}).assess("په بس کې یو سړی مې وځوروي").urgent);
}

TEST_CASE("a question what the danger word means is about the topic; only right next to it") {
  auto triage = triage_of("self-harm", {{"en", {"trafficking", "hitting me", "what is the point of living"}},
                                        {"fr", {"suicide"}},
                                        {"fa", {"خودکشی", "منو میزنه"}},
                                        {"ps", {"ځان وژنه"}},
                                        {"uk", {"самогубство"}}});
  CHECK(!triage.assess("what is trafficking?").urgent);
  CHECK(!triage.assess("c'est quoi le suicide").urgent);  // an article between
  CHECK(!triage.assess("خودکشی چیه").urgent);             // Persian and Pashto ask after the word
  CHECK(!triage.assess("ځان وژنه څه ده").urgent);
  CHECK(!triage.assess("що таке самогубство").urgent);
  CHECK(!triage.assess("what is trafficing").urgent);     // misspelt, still a question about it
  CHECK(triage.assess("what is happening he is hitting me").urgent);  // not next to it
  CHECK(triage.assess("چیه؟ منو میزنه").urgent);                      // another sentence
  CHECK(triage.assess("what is the point of living").urgent);         // the question is the phrase
}

TEST_CASE("a danger word of five letters or more meets a word one edit from it, in every script") {
  auto triage = triage_of("self-harm", {{"en", {"suicide", "kill myself", "not breathing"}},
                                        {"fr", {"envie de mourir", "me suicid*"}},
                                        {"ar", {"بدي انتحر"}},
                                        {"fa", {"خودکشی کنم", "خونریزی"}},
                                        {"ps", {"ځان ووژنم"}},
                                        {"uk", {"покінчити з собою", "не дихає"}}});
  CHECK(triage.assess("thinking about sucide all the time").urgent);  // a letter left out
  CHECK(triage.assess("i want to kill myslf").urgent);
  CHECK(triage.assess("he is not breathnig").urgent);     // two neighbours swapped
  CHECK(triage.assess("j'ai envie de mourrir").urgent);   // a letter added
  CHECK(triage.assess("je veux me sucider").urgent);      // the start of a word, against a prefix
  CHECK(triage.assess("بدي انتخر").urgent);               // خ for ح: the same letter but for a dot
  CHECK(triage.assess("میخوام خودکسی کنم").urgent);       // س for ش
  CHECK(triage.assess("خونرزی زیاد").urgent);             // a letter left out
  CHECK(triage.assess("غواړم ځان ووزنم").urgent);        // ز for ژ
  CHECK(triage.assess("хочу покінчіти з собою").urgent);  // і for и
  CHECK(triage.assess("мій друг не дихае").urgent);       // е for є
  CHECK(triage.assess("not breathing").category == "self-harm");
}

TEST_CASE("short words, first letters, unlike Arabic letters, digits and markers stay exact") {
  auto triage = triage_of("self-harm", {{"en", {"kill me", "kill myself", "suicide"}},
                                        {"fr", {"envie de mourir"}},
                                        {"ar", {"بدي انتحر"}},
                                        {"fa", {"بمیرم"}}});
  CHECK(!triage.assess("kil mee").urgent);   // a short word misspelt, and the other word of its phrase too
  CHECK(!triage.assess("j'ai envie de courir").urgent);    // the first letter differs
  CHECK(!triage.assess("بدي انتظر هون").urgent);          // ظ does not look like ح: "I want to wait here"
  CHECK(!triage.assess("میخوام اقامت بگیرم").urgent);     // گ is not م: "I want to get a permit"
  CHECK(!triage.assess("suicide2").urgent);                // a word with a digit is a name or a number
  CHECK(!triage.assess("years ago i wanted to kill myslf").urgent);  // a misspelt danger may be background
  CHECK(triage.assess("yeers ago i wanted to kill myself").urgent);  // a misspelt marker never makes it so
}

TEST_CASE("a short danger word meets a typo only inside a phrase whose other words are spelt exactly") {
  auto triage = triage_of("self-harm", {{"en", {"hurt myself", "took my pills", "kill me", "knife", "pills"}},
                                        {"uk", {"вбити себе"}}});
  CHECK(triage.assess("i will hurtt myself tonight").urgent);  // a letter added to a word of four
  CHECK(triage.assess("i took my pils").urgent);               // left out of a word of five
  CHECK(triage.assess("they will kil me").urgent);             // a word of three
  CHECK(triage.assess("хочу вбити себя").urgent);              // Russian я for е
  CHECK(!triage.assess("i will hurtt myslf").urgent);          // the other word misspelt too
  CHECK(!triage.assess("tok my pils").urgent);                 // two short words misspelt
  CHECK(!triage.assess("knif").urgent);                        // a phrase of one word stays exact
  CHECK(!triage.assess("pils").urgent);
  CHECK(!triage.assess("they will bill me").urgent);           // the first letter differs
  CHECK(triage.assess("kil me").category == "self-harm");
  // A word the knowledge base uses is spelt right here too.
  Content content;
  content.safety.push_back({"self-harm", "an-article", {{"en", {"kill me"}}}});
  CHECK(SafetyTriage(content).assess("kilo me").urgent);
  Article article;
  article.id = "food";
  article.text["en"].body = "A kilo of rice a week.";
  content.articles.push_back(article);
  CHECK(!SafetyTriage(content).assess("kilo me").urgent);
  CHECK(SafetyTriage(content).assess("kil me").urgent);
}

TEST_CASE("a word the knowledge base uses is spelt right: not read as another") {
  Content content;
  content.safety.push_back({"violence", "an-article", {{"fr", {"il m'a viole", "frappe*"}}, {"en", {"beats me"}}}});
  CHECK(SafetyTriage(content).assess("il m'a ville").urgent);  // no article yet: "ville" is one edit from "viole"
  Article article;
  article.id = "city";
  article.text["fr"].body = "Dans ta ville, le centre d'accueil t'aide.";
  content.articles.push_back(article);
  SafetyTriage triage(content);
  CHECK(!triage.assess("il m'a ville").urgent);
  CHECK(triage.assess("il m'a violle").urgent);
  CHECK(triage.assess("il me frape tous les jours").urgent);  // one letter short of the prefix
  // The phrases list misspellings of their own: a word so listed still reads as the word it misspells.
  content.safety[0].phrases["en"] = {"kill myself", "kil myslef"};
  CHECK(SafetyTriage(content).assess("i will kill myslef").urgent);
}

TEST_CASE("misspelt urgent messages are flagged in every language; questions about the topic are not") {
  static const KnowledgeLoad load =
      load_knowledge(testing::source_dir() + "/content", testing::source_dir() + "/locales");
  const SafetyTriage& triage = *load.knowledge->triage;
  for (const char* urgent : {"thinking about sucide all the time", "my freind is not breathing", "hes bleding a lot",
                             "je veu me suisider", "il saigne beaucou il a ete poignarder", "بدي انتخر خلص تعبت",
                             "اخوي ما يتنفص ساعدوني", "میخوام خودکسی کنم", "خونرزی زیاد داره کمک کنید",
                             "хочу покінчіти з собою", "мій друг не дихае допоможіть", "غوارم ځان ووژنم نن شپه"}) {
    CAPTURE(urgent);
    CHECK(triage.assess(urgent).urgent);
  }
  for (const char* question : {"what is human trafficking exactly?", "j'ai envie de courir ce soir au parc",
                               "بدي انتظر هون لبكرا", "میخوام اقامت بگیرم", "що таке торгівля людьми?",
                               "د انسانانو قاچاق څه شی دی؟"}) {
    CAPTURE(question);
    CHECK(!triage.assess(question).urgent);
  }
}

}  // namespace
}  // namespace approdo
