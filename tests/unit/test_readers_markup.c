/* Unit tests for the feed and HTML page readers (lib/model/reader_markup.c, reader_feed.c,
 * reader_html.c, markup.c), through izde/reader.h: the fixtures in tests/fixtures/feeds and
 * tests/fixtures/pages (see the README there), then table-driven and inline cases for dates,
 * entities, encodings, format sniffing, ids, limits and malformed input. */
#define _POSIX_C_SOURCE 200809L /* strdup, freopen of stdin */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <izde/entry.h>
#include <izde/reader.h>

#include "readers_support.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEEDS IZDE_FIXTURES_DIR "/feeds/"
#define PAGES IZDE_FIXTURES_DIR "/pages/"

/* Asserts that s contains want, with both in the failure message. */
#define assert_contains(s, want)                                                                   \
    do {                                                                                           \
        const char *s_ = (s);                                                                      \
        if (!s_ || !strstr(s_, (want)))                                                            \
            fail_msg("\"%s\" does not contain \"%s\"", s_ ? s_ : "(null)", (want));                \
    } while (0)
#define assert_lacks(s, unwanted)                                                                  \
    do {                                                                                           \
        const char *s_ = (s);                                                                      \
        if (s_ && strstr(s_, (unwanted)))                                                          \
            fail_msg("\"%s\" contains \"%s\"", s_, (unwanted));                                    \
    } while (0)

/* Asserts item i is a rejection of the whole file: "path: " then want somewhere. */
static void assert_file_rejection(const fixture *fx, size_t i, const char *path, const char *want)
{
    assert_true(i < fx->n_items);
    const item *it = &fx->items[i];
    size_t n = strlen(path);
    if (it->status != IZDE_ERR_INVALID_ARG || strncmp(it->msg, path, n) != 0 ||
        strncmp(it->msg + n, ": ", 2) != 0 || !strstr(it->msg, want))
        fail_msg("item %zu: status %d \"%s\", wanted \"%s: ...%s\"", i, it->status, it->msg, path,
                 want);
}

static void assert_tags(const izde_entry *e, size_t n, const char *const *tags)
{
    assert_int_equal(e->n_tags, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(e->tags[i], tags[i]);
}

/* Every entry a reader gives must pass the entry rules and carry no markup. */
static void assert_clean(const fixture *fx)
{
    for (size_t i = 0; i < fx->n_items; i++) {
        const izde_entry *e = fx->items[i].entry;
        if (!e)
            continue;
        assert_int_equal(izde_entry_validate(e, NULL), IZDE_OK);
        assert_lacks(e->body, "<");
        assert_lacks(e->body, "&nbsp;");
        assert_lacks(e->body, "  ");
        assert_lacks(e->body, "\n\n\n");
        assert_lacks(e->body, " \n");
        assert_lacks(e->body, "\n ");
        if (e->title) {
            assert_lacks(e->title, "<");
            assert_lacks(e->title, "\n");
        }
    }
}

/* ---- the feed fixtures ---- */

static void test_rss_kazakh(void **state)
{
    fixture *fx = *state;
    read_all(fx, FEEDS "qazsport-kk.rss");
    assert_int_equal(fx->n_items, 3);
    assert_int_equal(fx->n_warnings, 0);
    assert_clean(fx);

    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->id, "qazsport-kk-48213");
    assert_string_equal(e->date, "2024-03-05T14:30:00+06:00");
    assert_int_equal(e->day, 20240305);
    assert_string_equal(e->lang, "kk");
    assert_string_equal(e->title,
                        "Алматыда жасөспірімдер арасында бокстан Қазақстан чемпионаты басталды");
    assert_string_equal(e->url,
                        "https://www.qazsport.example/kk/news/boks-chempionaty-almaty-20240305");
    assert_string_equal(e->source, "qazsport.example");
    assert_tags(e, 2, (const char *const[]){"Бокс", "Жасөспірімдер спорты"});
    assert_null(e->extra_json);
    /* content:encoded, not the shorter description; no figure, caption or script */
    assert_true(strncmp(e->body, "Алматыда 17 жасқа дейінгі", 20) == 0);
    assert_contains(e->body, "қатысып жатыр.\n\nТурнир «Балуан Шолақ» спорт сарайында");
    assert_contains(e->body, "әлдеқайда жоғары.");
    assert_lacks(e->body, "Фото");
    assert_lacks(e->body, "widgets");

    e = entry_at(fx, 1);
    assert_string_equal(e->id, "qazsport-kk-48240");
    assert_string_equal(e->date, "2024-03-06T11:02:47+06:00");
    assert_tags(e, 1, (const char *const[]){"Жүзу"});
    assert_contains(e->body, "пайдалануға берілді.\n\nБассейнде халықаралық");

    /* escaped HTML in description, with a double-escaped &mdash; */
    e = entry_at(fx, 2);
    assert_string_equal(e->title, "Қазақстандық шахматшы Прагадағы турнирде бірінші орын алды");
    assert_contains(e->body, "бірінші орын алды.\n\nБұл — спортшының биылғы екінші жеңісі.");
}

static void test_rss_windows1251_yandex(void **state)
{
    fixture *fx = *state;
    read_all(fx, FEEDS "stepsport-ru-cp1251.rss");
    assert_int_equal(fx->n_items, 3);
    assert_int_equal(fx->n_warnings, 0);
    assert_clean(fx);

    const izde_entry *e = entry_at(fx, 0);
    /* windows-1251 converted; &laquo; &raquo; without a DTD read as « » */
    assert_string_equal(e->title, "«Барыс» обыграл «Авангард» в овертайме");
    assert_string_equal(e->id, "https://stepsport.example/hockey/2024/03/06/barys-avangard.html");
    assert_string_equal(e->url, e->id);
    assert_string_equal(e->date, "2024-03-06T21:40:00+05:00");
    assert_string_equal(e->lang, "ru");
    assert_string_equal(e->source, "stepsport.example");
    /* yandex:full-text over the description; its blank line ends a paragraph */
    assert_true(strncmp(e->body, "Казахстанский клуб «Барыс» в овертайме", 30) == 0);
    assert_contains(e->body, "на 64-й минуте.\n\nСледующий матч серии пройдёт в Астане");
    assert_lacks(e->body, "Астанинский");

    e = entry_at(fx, 1);
    assert_string_equal(e->date, "2024-03-07T06:15:00Z");
    assert_int_equal(e->day, 20240307);
    assert_tags(e, 2, (const char *const[]){"Дзюдо", "Астана"});
    assert_contains(e->body, "две из них — золотые.\n\nГлавный тренер");

    e = entry_at(fx, 2);
    assert_string_equal(e->date, "2024-03-07T15:30:00+05:00"); /* no seconds, no weekday */
    assert_string_equal(e->body, "Этап Кубка Азии по лыжным гонкам прошёл в Риддере.\n\n"
                                 "Казахстанские лыжники заняли второе и третье места в гонке на "
                                 "15 километров свободным стилем.\n\n"
                                 "Следующий этап пройдёт в Щучинске.");
}

static void test_atom(void **state)
{
    fixture *fx = *state;
    read_all(fx, FEEDS "steppe-times-en.atom");
    assert_int_equal(fx->n_items, 4);
    assert_int_equal(fx->n_warnings, 0);
    assert_clean(fx);

    /* type="html": escaped HTML, a character reference escaped once more in the title */
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->id, "tag:steppetimes.example,2024-03-08:/sport/cycling-team-time-trial");
    assert_string_equal(e->title, "Kazakhstan’s cyclists win the team time trial at the Asian "
                                  "championships");
    assert_string_equal(e->date, "2024-03-08T09:30:00+05:00"); /* published, not updated */
    assert_string_equal(e->lang, "en");
    assert_string_equal(e->url,
                        "https://steppetimes.example/sport/2024/03/08/cycling-team-time-trial/");
    assert_string_equal(e->source, "steppetimes.example");
    assert_tags(e, 2, (const char *const[]){"Cycling", "Asian Championships"});
    assert_contains(e->body, "over 40 kilometres.\n\n“We rode as one team from the start,”");
    assert_lacks(e->body, "eleven seconds ahead of Uzbekistan.\n"); /* content, not summary */
    assert_lacks(e->body, "video.example");

    /* type="xhtml"; a relative link resolved against xml:base */
    e = entry_at(fx, 1);
    assert_string_equal(e->url, "https://steppetimes.example/sport/2024/03/07/"
                                "astana-marathon-record-field/");
    assert_string_equal(e->body,
                        "Registration for the Astana Marathon closed with a record 20,000 "
                        "runners from 60 countries.\n\nOrganisers said the course along the Yesil "
                        "river would stay unchanged.\nStart lists will be published in August.");

    /* xml:lang on the entry beats the feed's */
    e = entry_at(fx, 2);
    assert_string_equal(e->lang, "kk");
    assert_string_equal(e->title, "Астана марафонына 20 мың жүгіруші тіркелді");
    assert_string_equal(e->url, "https://steppetimes.example/kk/sport/2024/03/07/astana-marafony/");

    /* summary only, type="text": its blank line is a paragraph; only <updated>; term as tag */
    e = entry_at(fx, 3);
    assert_string_equal(e->date, "2024-03-06T20:45:00+05:00");
    assert_tags(e, 1, (const char *const[]){"ice-hockey"});
    assert_string_equal(e->body, "The head coach named 28 players for the training camp before "
                                 "the world championship.\n\nSeven of them play their club "
                                 "hockey abroad.");
}

static void test_broken_feed(void **state)
{
    fixture *fx = *state;
    const char *path = FEEDS "broken-ru.rss";
    read_all(fx, path);
    assert_int_equal(fx->n_items, 5);
    assert_clean(fx);
    /* an unclosed <br> nests the later items in the first one: they are read all the same */
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->title, "Спорт & отдых: в Караганде открылся новый ледовый каток");
    assert_string_equal(e->body, "Каток под открытым небом работает в центральном парке "
                                 "Караганды до конца марта.\nВход свободный.");
    assert_string_equal(e->lang, "ru");
    assert_rejection(fx, 1, path, 14,
                     "item 2: date: cannot read pubDate 'Пн, 04 мар 2024 12:30:00 +0600'");
    assert_rejection(fx, 2, path, 21, "item 3: no text (content:encoded, description)");
    assert_string_equal(entry_at(fx, 3)->id, "http://regnews.example/news/43902");
    assert_rejection(fx, 4, path, 35, "item 5: no text"); /* cut off in the middle */
    assert_int_equal(fx->n_warnings, 1);
    char want[512];
    snprintf(want, sizeof want,
             "%s:12: malformed XML, read as far as possible: Opening and "
             "ending tag mismatch: br line 12 and p (and more errors)",
             path);
    assert_string_equal(fx->warnings[0], want);
}

/* RSS 1.0 (RDF): items beside the channel, rdf:about as id, Dublin Core date, language and
 * subject; an Atom text construct is text even when it holds '<'. */
static void test_rss1_and_atom_text(void **state)
{
    fixture *fx = *state;
    char *path = write_text(
        fx, "old.rdf",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<channel rdf:about=\"https://old.example/rss\"><title>Old</title>"
        "<link>https://old.example/</link><dc:language>ru</dc:language></channel>\n"
        "<item rdf:about=\"https://old.example/news/1\"><title>Заголовок</title>"
        "<description>Текст новости.</description><dc:date>2024-03-01T10:00:00+06:00</dc:date>"
        "<dc:subject>Спорт</dc:subject></item>\n"
        "</rdf:RDF>\n");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->id, "https://old.example/news/1");
    assert_string_equal(e->url, e->id); /* no <link>: rdf:about is the item's address */
    assert_string_equal(e->date, "2024-03-01T10:00:00+06:00");
    assert_string_equal(e->lang, "ru");
    assert_string_equal(e->source, "old.example");
    assert_tags(e, 1, (const char *const[]){"Спорт"});
    free(path);

    path = write_text(fx, "text.atom",
                      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>t1</id>"
                      "<title type=\"text\">x &lt; y</title>"
                      "<content type=\"text\">a &lt;b&gt; c &amp;amp; d</content></entry></feed>");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->title, "x < y");
    assert_string_equal(entry_at(fx, 0)->body, "a <b> c &amp; d");
    free(path);
}

/* ---- the page fixtures ---- */

static void test_page_russian(void **state)
{
    fixture *fx = *state;
    read_all(fx, PAGES "stepsport-ru-biathlon.html");
    assert_int_equal(fx->n_items, 1);
    assert_clean(fx);
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->id, "https://stepsport.example/biathlon/2024/03/09/ibu-cup-podium.html");
    assert_string_equal(e->url, e->id);
    assert_string_equal(e->title,
                        "Биатлонистка из Казахстана впервые поднялась на подиум этапа Кубка IBU");
    assert_string_equal(e->date, "2024-03-09T13:05:00+05:00");
    assert_string_equal(e->lang, "ru");
    assert_string_equal(e->source, "stepsport.example");
    assert_tags(e, 2, (const char *const[]){"Биатлон", "Кубок IBU"});
    assert_true(strncmp(e->body, "Казахстанская биатлонистка заняла третье место", 40) == 0);
    assert_contains(e->body, "после финиша.\n\nЧто дальше\n\nВ воскресенье");
    /* nothing of the page around the story */
    static const char *const unwanted[] = {"Футбол",      "Поиск",        "Фото:",     "Реклама",
                                           "Поделиться",  "Автор:",       "Читайте",   "cookie",
                                           "Перепечатка", "9 марта 2024", "dataLayer", "1 204"};
    for (size_t i = 0; i < sizeof unwanted / sizeof unwanted[0]; i++)
        assert_lacks(e->body, unwanted[i]);
}

static void test_page_kazakh(void **state)
{
    fixture *fx = *state;
    read_all(fx, PAGES "qazsport-kk-wrestling.html");
    assert_int_equal(fx->n_items, 1);
    assert_clean(fx);
    const izde_entry *e = entry_at(fx, 0);
    /* a relative canonical link made absolute with og:url */
    assert_string_equal(e->url,
                        "https://www.qazsport.example/kk/news/kazaksha-kures-turkistan-20240310");
    assert_string_equal(e->id, e->url);
    assert_string_equal(e->date, "2024-03-10T09:15:00+06:00"); /* from JSON-LD's @graph */
    assert_string_equal(e->lang, "kk");
    assert_string_equal(e->title, "Қазақ күресінен әлем чемпионаты Түркістанда өтеді");
    assert_contains(e->body, "Қазақ күресінен әлем чемпионаты биыл қыркүйекте Түркістан");
    assert_contains(e->body, "спорт кешенінде ұйымдастырылады.");
    assert_lacks(e->body, "Көп оқылғандар"); /* role="complementary" */
    assert_lacks(e->body, "Барлық құқықтар");
    assert_lacks(e->body, "Басты");
}

static void test_page_english_without_metadata(void **state)
{
    fixture *fx = *state;
    read_all(fx, PAGES "steppe-times-en-football.htm");
    assert_int_equal(fx->n_items, 1);
    assert_clean(fx);
    const izde_entry *e = entry_at(fx, 0);
    /* no canonical link or og:url: the file name is the id, there is no url */
    assert_string_equal(e->id, "steppe-times-en-football");
    assert_null(e->url);
    assert_string_equal(e->source, "steppe-times-en-football.htm");
    assert_string_equal(e->date, "2024-03-08T21:50:00+05:00"); /* <time datetime> */
    assert_string_equal(e->lang, "en");
    assert_string_equal(e->title, "Kairat reach the Kazakhstan Cup final after penalties");
    /* the largest <article>, not the teasers; the title's <h1> not repeated */
    assert_contains(e->body, "beating Tobol 4-3 on penalties");
    assert_contains(e->body, "“The lads showed real character tonight,”");
    assert_lacks(e->body, "Hockey squad");
    assert_lacks(e->body, "morning briefing");
    assert_lacks(e->body, "Kairat reach the");
}

static void test_page_windows1251_tables(void **state)
{
    fixture *fx = *state;
    read_all(fx, PAGES "vesti-ru-boxing-cp1251.html");
    assert_int_equal(fx->n_items, 1);
    assert_clean(fx);
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->title, "В Павлодаре прошёл турнир по боксу памяти ветеранов");
    assert_string_equal(e->date, "2024-03-10T18:00:00+05:00"); /* RFC 822 in <meta name=date> */
    assert_string_equal(e->lang, "ru");                        /* Content-Language */
    assert_contains(e->body, "Лучшим боксёром турнира признан спортсмен из Экибастуза.");
}

/* ---- dates ---- */

static void test_feed_dates(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *pub, *want; /* want NULL: rejected; "": no date */
    } cases[] = {
        {"Tue, 05 Mar 2024 14:30:00 +0600", "2024-03-05T14:30:00+06:00"},
        {"5 Mar 2024 14:30 GMT", "2024-03-05T14:30:00Z"},
        {"Tue, 5 March 2024 14:30:00 -0500", "2024-03-05T14:30:00-05:00"},
        {"Tue, 05 Mar 24 14:30:00 EST", "2024-03-05T14:30:00-05:00"},
        {"Sat, 01 Jan 99 00:00:00 UT", "1999-01-01T00:00:00Z"},
        {"wed, 06 mar 2024 01:00:00 MSK", "2024-03-06T01:00:00+03:00"},
        {"Wed, 06 Mar 2024 01:00:00 ALMT", "2024-03-06T01:00:00"},
        {"Wed, 06 Mar 2024 01:00:00 +06:00", "2024-03-06T01:00:00+06:00"},
        {"Tue, 05 Mar 2024", "2024-03-05"},
        {"Mar 5 2024 10:00:00 +0600", "2024-03-05T10:00:00+06:00"},
        {"2024-03-05T14:30:00+06:00", "2024-03-05T14:30:00+06:00"},
        {"  2024-03-05  ", "2024-03-05"},
        {"Thu, 29 Feb 2024 10:00:00 +0600", "2024-02-29T10:00:00+06:00"},
        {"Fri, 30 Feb 2024 10:00:00 +0600", NULL},
        {"Tue, 05 Mar 2024 25:00:00 +0600", NULL},
        {"yesterday", NULL},
        {"05.03.2024 14:30", NULL},
        {"", ""},
    };
    size_t n = sizeof cases / sizeof cases[0];
    char feed[8192] = "<rss version=\"2.0\"><channel><link>https://d.example/</link>";
    for (size_t i = 0; i < n; i++) {
        char one[256];
        snprintf(one, sizeof one,
                 "<item><guid>d%zu</guid><pubDate>%s</pubDate><description>text</description>"
                 "</item>\n",
                 i, cases[i].pub);
        strcat(feed, one);
    }
    strcat(feed, "</channel></rss>");
    char *path = write_text(fx, "dates.rss", feed);
    read_all(fx, path);
    assert_int_equal(fx->n_items, n);
    for (size_t i = 0; i < n; i++) {
        const item *it = &fx->items[i];
        if (!cases[i].want) {
            if (it->status != IZDE_ERR_INVALID_ARG || !strstr(it->msg, "date: cannot read pubDate"))
                fail_msg("'%s': \"%s\", wanted a rejection", cases[i].pub, it->msg);
        } else if (it->status != IZDE_OK) {
            fail_msg("'%s' rejected: %s", cases[i].pub, it->msg);
        } else if (!*cases[i].want) {
            assert_null(it->entry->date);
            assert_int_equal(it->entry->day, 0);
        } else if (!it->entry->date || strcmp(it->entry->date, cases[i].want) != 0) {
            fail_msg("'%s' -> '%s', wanted '%s'", cases[i].pub,
                     it->entry->date ? it->entry->date : "(none)", cases[i].want);
        }
    }
    free(path);
}

/* ---- entities, ampersands, CDATA and encodings ---- */

static void test_entities_and_ampersands(void **state)
{
    fixture *fx = *state;
    char *path = write_text(
        fx, "ent.rss",
        "<?xml version=\"1.0\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
        "<channel><link>https://e.example/</link>\n"
        "<item><title>A&nbsp;B &laquo;C&raquo; &amp; D & E &#8470;&#x41;</title>\n"
        "<link>https://e.example/news?id=1&lang=ru&amp;x=2</link>\n"
        "<description>x&#160;y &unknown; z</description></item>\n"
        "<item><guid>cdata</guid><content:encoded><![CDATA[<p>one&nbsp;two &amp; "
        "<b>three</b></p>\n<p>&laquo;four&raquo; &lt;five&gt; & six</p>]]></content:encoded>"
        "</item>\n"
        "</channel></rss>\n");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 2);
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->title, "A B «C» & D & E №A");
    assert_string_equal(e->url, "https://e.example/news?id=1&lang=ru&x=2");
    assert_string_equal(e->id, e->url);
    assert_string_equal(e->body, "x y z");
    e = entry_at(fx, 1);
    assert_string_equal(e->body, "one two & three\n\n«four» <five> & six");
    free(path);
}

static void test_declared_encodings(void **state)
{
    fixture *fx = *state;
    /* KOI8-R: "Привет" is F0 D2 C9 D7 C5 D4 */
    static const char koi8[] = "<?xml version=\"1.0\" encoding=\"KOI8-R\"?>"
                               "<rss><channel><item><guid>k</guid>"
                               "<title>\xF0\xD2\xC9\xD7\xC5\xD4</title>"
                               "<description>\xF0\xD2\xC9\xD7\xC5\xD4 text</description>"
                               "</item></channel></rss>";
    char *path = write_file(fx->dir, "koi8.rss", koi8, sizeof koi8 - 1);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->title, "Привет");
    assert_string_equal(entry_at(fx, 0)->body, "Привет text");
    free(path);

    /* UTF-16LE with a byte-order mark: ASCII and one Kazakh letter (U+04D9 ә) */
    const char *ascii = "<rss><channel><item><guid>u</guid><description>Utf16 @</description>"
                        "</item></channel></rss>";
    char buf[512];
    size_t n = 0;
    buf[n++] = (char)0xFF;
    buf[n++] = (char)0xFE;
    for (const char *p = ascii; *p; p++) {
        if (*p == '@') {
            buf[n++] = (char)0xD9;
            buf[n++] = 0x04;
        } else {
            buf[n++] = *p;
            buf[n++] = 0;
        }
    }
    path = write_file(fx->dir, "utf16.xml", buf, n);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->body, "Utf16 ә");
    free(path);
}

/* ---- choosing the format ---- */

static void test_sniffing(void **state)
{
    fixture *fx = *state;
    static const char rss[] = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>"
                              "<link>https://s.example/</link><item><guid>s1</guid>"
                              "<description>sniffed feed</description></item></channel></rss>\n";
    char *path = write_text(fx, "rss", rss); /* a feed saved without an extension */
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->body, "sniffed feed");
    free(path);

    path = write_text(fx, "article.php",
                      "\xEF\xBB\xBF  <!DOCTYPE html><html lang=\"en\"><body><main><p>sniffed "
                      "page</p></main></body></html>");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->body, "sniffed page");
    assert_string_equal(entry_at(fx, 0)->id, "article");
    free(path);

    path = write_text(fx, "export.ndjson", "{\"id\":\"n1\",\"body\":\"sniffed JSONL\"}\n");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->id, "n1");
    free(path);

    /* an .xml file whose root is <html> is an XHTML page */
    path = write_text(fx, "page.xml",
                      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"ru\"><body>"
                      "<article><p>страница XHTML</p></article></body></html>");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->body, "страница XHTML");
    assert_string_equal(entry_at(fx, 0)->lang, "ru");
    free(path);

    /* standard input: a feed when it starts with '<' (else JSONL, see test_readers.c) */
    path = write_text(fx, "stdin.xml", rss);
    assert_non_null(freopen(path, "r", stdin));
    read_all(fx, "-");
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->id, "s1");
    assert_string_equal(entry_at(fx, 0)->source, "s.example");
    free(path);
}

/* ---- ids ---- */

static void test_ids(void **state)
{
    fixture *fx = *state;
    char guid[400];
    memset(guid, 'g', sizeof guid - 1);
    guid[sizeof guid - 1] = '\0';
    char feed[2048];
    snprintf(feed, sizeof feed,
             "<rss><channel><link>https://www.ids.example/</link>"
             "<item><title>One</title><description>first text</description></item>"
             "<item><title>Two</title><description>second text</description></item>"
             "<item><guid>%s</guid><description>long guid</description></item>"
             "<item><guid> spaced </guid><description>trimmed guid</description></item>"
             "</channel></rss>",
             guid);
    char *path = write_text(fx, "ids.rss", feed);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 4);
    char *first = strdup(entry_at(fx, 0)->id), *second = strdup(entry_at(fx, 1)->id);
    /* without guid or link: "<site>-<hash of title, date and text>" */
    assert_int_equal(strlen(first), strlen("ids.example-") + 16);
    assert_true(strncmp(first, "ids.example-", 12) == 0);
    assert_string_not_equal(first, second);
    const char *long_id = entry_at(fx, 2)->id;
    assert_true(strlen(long_id) <= 256);
    assert_true(strncmp(long_id, guid, 200) == 0 && long_id[200] == '#');
    assert_string_equal(entry_at(fx, 3)->id, "spaced");
    char *kept = strdup(long_id);
    read_all(fx, path); /* the same ids again */
    assert_string_equal(entry_at(fx, 0)->id, first);
    assert_string_equal(entry_at(fx, 1)->id, second);
    assert_string_equal(entry_at(fx, 2)->id, kept);
    free(first);
    free(second);
    free(kept);
    free(path);
}

/* ---- what is not a feed, or not a story ---- */

static void test_whole_file_rejections(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *name, *text;
        unsigned long line; /* 0: "file: reason" */
        const char *want;
    } cases[] = {
        {"other.xml", "<?xml version=\"1.0\"?><sitemap><url/></sitemap>", 0,
         "not an RSS or Atom feed (the root element is <sitemap>)"},
        {"garbage.rss", "this is not XML", 1, "not readable as XML: Start tag expected"},
        {"empty.html", "", 0, "not readable as HTML"},
        {"nav.html", "<html><body><nav><a href=/>Home</a></nav><footer>(c)</footer></body></html>",
         0, "no article text"},
        {"date.html",
         "<html><head><meta property=\"article:published_time\" content=\"tomorrow\"></head>"
         "<body><p>text</p></body></html>",
         0, "date: cannot read article:published_time 'tomorrow'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = write_text(fx, cases[i].name, cases[i].text);
        read_all(fx, path);
        assert_int_equal(fx->n_items, 1);
        if (cases[i].line)
            assert_rejection(fx, 0, path, cases[i].line, cases[i].want);
        else
            assert_file_rejection(fx, 0, path, cases[i].want);
        free(path);
    }
    char *path = write_text(fx, "none.rss", "<rss><channel><title>Quiet</title></channel></rss>");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 0);
    assert_int_equal(fx->n_warnings, 1);
    assert_contains(fx->warnings[0], "none.rss: a feed without items");
    free(path);
}

static void test_page_story_choice(void **state)
{
    fixture *fx = *state;
    char *path = write_text(
        fx, "choice.html",
        "<html lang=\"de\"><head><title>Seite</title></head><body>\n"
        "<aside><article><p>A teaser in an aside that is longer than the story itself, so that "
        "only its place tells it apart from the story.</p></article></aside>\n"
        "<article><h1>Headline</h1><p>The story.</p>\n"
        "<div hidden>hidden</div><div aria-hidden=\"true\">aria</div>"
        "<div role=\"navigation\">menu</div>\n"
        "<table><tr><th>Team</th><th>Points</th></tr><tr><td>Kairat</td><td>12</td></tr></table>"
        "<p>Line one<br>line two</p><ul><li>first</li><li>second</li></ul>"
        "<template><p>template</p></template><noscript>noscript</noscript>"
        "<p>&nbsp;</p><p>Last&#160;words.</p></article>\n"
        "<article><p>Short.</p></article>\n"
        "</body></html>");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_clean(fx);
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->title, "Headline"); /* no og:title: the story's <h1> */
    assert_string_equal(e->lang, "");          /* German: left to detection */
    assert_null(e->date);
    assert_string_equal(e->body, "The story.\n\nTeam Points\n\nKairat 12\n\nLine one\nline two"
                                 "\n\nfirst\n\nsecond\n\nLast words.");
    free(path);
}

/* ---- limits and hostile input ---- */

static void test_limits(void **state)
{
    fixture *fx = *state;
    /* a file over 32 MiB is rejected whole, without being parsed */
    size_t big = (32u << 20) + 100;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'x', big);
    memcpy(text, "<rss><channel><item><description>", 33);
    text[big] = '\0';
    char *path = write_file(fx->dir, "big.rss", text, big);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_file_rejection(fx, 0, path, "larger than 32 MiB; skipped");
    free(path);

    /* an item over IZDE_BODY_MAX is rejected, the next one read */
    size_t words = IZDE_BODY_MAX / 5 + 10, at = 0;
    at += (size_t)sprintf(text, "<rss><channel><item><guid>a</guid><description>");
    for (size_t i = 0; i < words; i++, at += 5)
        memcpy(text + at, "word ", 5);
    at += (size_t)sprintf(text + at, "</description></item><item><guid>b</guid>"
                                     "<description>ok</description></item></channel></rss>");
    path = write_file(fx->dir, "long.rss", text, at);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 2);
    assert_rejection(fx, 0, path, 1, "item 1: text: longer than 1048576 bytes");
    assert_string_equal(entry_at(fx, 1)->id, "b");
    free(path);

    /* nesting deeper than anything real: no crash, whatever comes out */
    at = (size_t)sprintf(text, "<html><body><article>");
    for (size_t i = 0; i < 100000; i++, at += 5)
        memcpy(text + at, "<div>", 5);
    at += (size_t)sprintf(text + at, "deep</article></body></html>");
    path = write_file(fx->dir, "deep.html", text, at);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    free(path);
    memcpy(text, "<rss><channel><item><guid>d</guid><description>", 47);
    path = write_file(fx->dir, "deep.rss", text, at);
    read_all(fx, path);
    assert_true(fx->n_items <= 1);
    free(path);
    free(text);

    /* entity expansion bombs and external entities: not expanded, not loaded */
    path = write_text(fx, "bomb.rss",
                      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
                      "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
                      "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                      "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
                      "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
                      "<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
                      "<rss><channel><item><guid>x</guid><description>before &x; after"
                      "</description></item><item><guid>g</guid><title>&g;</title>"
                      "<description>text</description></item></channel></rss>\n");
    read_all(fx, path);
    assert_true(fx->n_items >= 1);
    assert_string_equal(entry_at(fx, 0)->body, "before after");
    for (size_t i = 0; i < fx->n_items; i++)
        if (fx->items[i].entry && fx->items[i].entry->title)
            assert_true(strlen(fx->items[i].entry->title) < 4096);
    free(path);
}

int run_markup_reader_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rss_kazakh, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rss_windows1251_yandex, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_atom, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_broken_feed, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rss1_and_atom_text, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_russian, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_kazakh, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_english_without_metadata, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_windows1251_tables, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_feed_dates, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_entities_and_ampersands, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_declared_encodings, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_sniffing, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ids, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_whole_file_rejections, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_story_choice, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_limits, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests_name("markup readers", tests, NULL, NULL);
}
