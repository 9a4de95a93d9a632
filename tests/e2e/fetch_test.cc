// newsindex fetch against a local HTTP server started by the test, serving
// feeds and pages we wrote and misbehaving on purpose: 500s then success, a
// response slower than the timeout, a redirect loop, a 20 MB body, invalid
// XML, a page that is not HTML, a page with no text, a 404, a host that does
// not resolve; an ETag and a Last-Modified that give 304 on the second run;
// a page over the record limits.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rapidjson/document.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using testing::Quote;
using testing::RunCommand;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Page(const std::string& title, const std::string& topic) {
  const char* days[] = {"Monday", "Tuesday", "Wednesday"};
  std::string paragraphs;
  for (const char* day : days) {
    absl::StrAppend(&paragraphs, "<p>The ", topic,
                    " story continued as officials in the Vell valley met "
                    "again on ",
                    day,
                    " to discuss what happens next, and residents said they "
                    "were waiting for answers.</p>");
  }
  return absl::StrCat(
      "<!doctype html><html lang=\"en\"><head><title>", title,
      " | Vell Gazette</title><meta property=\"article:published_time\" "
      "content=\"2026-11-20T09:00:00Z\"><meta property=\"og:site_name\" "
      "content=\"Vell Gazette\"></head><body><nav>Home News Sport</nav>"
      "<article><h1>",
      title, "</h1>", paragraphs,
      "<aside class=\"sponsor\">Sponsored by Acme</aside></article></body>"
      "</html>");
}

std::string Rss(const std::string& base) {
  std::string items;
  auto item = [&](const std::string& title, const std::string& path) {
    absl::StrAppend(&items, "<item><title>", title, "</title>",
                    path.empty() ? "" : "<link>" + base + path + "</link>",
                    "<description>", title,
                    " in brief.</description><pubDate>Fri, 20 Nov 2026 "
                    "09:00:00 GMT</pubDate><category>Local</category>"
                    "</item>");
  };
  item("Harbour strike ends", "/articles/a1.html");
  item("Council budget passed", "/articles/a2.html");
  item("Flaky server story", "/articles/flaky.html");
  item("Slow server story", "/articles/slow.html");
  item("Redirect loop story", "/articles/loop.html");
  item("Huge page story", "/articles/huge.html");
  item("Not a page story", "/articles/notes.pdf");
  item("Empty page story", "/articles/empty.html");
  item("Ferry timetable changes for winter", "");
  return absl::StrCat(
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Vell "
      "Gazette</title><link>",
      base, "</link><language>en</language>", items, "</channel></rss>");
}

class FeedServer {
 public:
  FeedServer() {
    Routes();
    // httplib holds a worker per kept-alive connection, and slow.html
    // sleeps in one: with its default 8 workers, a loaded machine left
    // huge.html waiting past the fetch timeout (seen in CI-like runs).
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FeedServer() {
    server_.stop();
    thread_.join();
  }
  std::string Base() const { return absl::StrCat("http://127.0.0.1:", port_); }
  int Hits(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return hits_[path];
  }
  std::string Header(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return validators_[path];
  }

 private:
  void Count(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    ++hits_[req.path];
    validators_[req.path] = req.get_header_value("If-None-Match") +
                            req.get_header_value("If-Modified-Since");
  }

  void Routes() {
    server_.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response&) {
          Count(req);
          return httplib::Server::HandlerResponse::Unhandled;
        });
    server_.Get("/feeds/vell.rss", [this](const auto&, auto& res) {
      res.set_content(Rss(Base()), "application/rss+xml");
    });
    server_.Get("/feeds/harbour.atom", [this](const auto& req, auto& res) {
      if (req.get_header_value("If-None-Match") == "\"atom-1\"") {
        res.status = 304;
        return;
      }
      res.set_header("ETag", "\"atom-1\"");
      res.set_content(
          absl::StrCat("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>"
                       "Harbour Times</title><entry><id>urn:a3</id><title>"
                       "Lighthouse restored</title><link href=\"",
                       Base(), "/articles/a3.html\"/><updated>2026-11-21T08:00:"
                       "00Z</updated></entry></feed>"),
          "application/atom+xml");
    });
    server_.Get("/feeds/tidings.json", [this](const auto& req, auto& res) {
      const std::string stamp = "Sat, 21 Nov 2026 08:00:00 GMT";
      if (req.get_header_value("If-Modified-Since") == stamp) {
        res.status = 304;
        return;
      }
      res.set_header("Last-Modified", stamp);
      res.set_content(
          absl::StrCat(R"({"version": "https://jsonfeed.org/version/1.1",)",
                       R"( "title": "Valley Tidings", "items": [{"id": "t1",)",
                       R"( "url": ")", Base(), R"(/articles/a4.html",)",
                       R"( "title": "School reopens after flood"}]})"),
          "application/feed+json");
    });
    server_.Get("/feeds/broken.xml", [](const auto&, auto& res) {
      res.set_content("<rss version=\"2.0\"><channel><title>x</channel>",
                      "application/rss+xml");
    });
    Pages();
  }

  void Pages() {
    const std::map<std::string, std::pair<std::string, std::string>> pages = {
        {"/articles/a1.html", {"Harbour strike ends", "strike"}},
        {"/articles/a2.html", {"Council budget passed", "budget"}},
        {"/articles/a3.html", {"Lighthouse restored", "lighthouse"}},
        {"/articles/a4.html", {"School reopens after flood", "school"}}};
    for (const auto& [path, page] : pages) {
      const std::string html = Page(page.first, page.second);
      server_.Get(path, [html](const auto&, auto& res) {
        res.set_content(html, "text/html");
      });
    }
    server_.Get("/articles/flaky.html", [this](const auto& req, auto& res) {
      if (Hits(req.path) <= 2) {
        res.status = 500;
        return;
      }
      res.set_content(Page("Flaky server story", "flaky"), "text/html");
    });
    server_.Get("/articles/slow.html", [](const auto&, auto& res) {
      std::this_thread::sleep_for(std::chrono::seconds(3));
      res.set_content(Page("Slow server story", "slow"), "text/html");
    });
    server_.Get("/articles/loop.html", [](const auto&, auto& res) {
      res.set_redirect("/articles/loop.html");
    });
    server_.Get("/articles/huge.html", [](const auto&, auto& res) {
      res.set_content(std::string(20 << 20, 'x'), "text/html");
    });
    server_.Get("/articles/notes.pdf", [](const auto&, auto& res) {
      res.set_content("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf");
    });
    Hostile();
    server_.Get("/articles/empty.html", [](const auto&, auto& res) {
      res.set_content("<html><body><nav>Home</nav><p>Subscribe.</p></body>"
                      "</html>",
                      "text/html");
    });
  }

  // A feed item with 1000 categories whose page has 2.5 MB of text: the
  // limits of news.jsonl records apply to fetched articles too.
  void Hostile() {
    server_.Get("/feeds/hostile.rss", [this](const auto&, auto& res) {
      std::string categories;
      for (int i = 0; i < 1000; ++i) {
        absl::StrAppend(&categories, "<category>topic ", i, "</category>");
      }
      res.set_content(
          absl::StrCat("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
                       "<title>Vell Gazette</title><item><title>Long read"
                       "</title><link>",
                       Base(), "/articles/long.html</link>", categories,
                       "</item></channel></rss>"),
          "application/rss+xml");
    });
    std::string paragraphs = "<p>An aardvark opened the long read.</p>";
    for (int i = 0; i < 25000; ++i) {
      absl::StrAppend(&paragraphs, "<p>Paragraph ", i,
                      " of the long read "
                      "goes on about the harbour and the valley, again.</p>");
    }
    absl::StrAppend(&paragraphs, "<p>A zeppelin closed the long read.</p>");
    const std::string html = absl::StrCat(
        "<!doctype html><html lang=\"en\"><head><title>Long "
        "read</title></head><body><article><h1>Long read</h1>",
        paragraphs, "</article></body></html>");
    server_.Get("/articles/long.html", [html](const auto&, auto& res) {
      res.set_content(html, "text/html");
    });
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, int> hits_;
  std::map<std::string, std::string> validators_;
};

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("fetch");
    db_ = dir_ + "/news.db";
    const std::string base = server_.Base();
    testing::WriteFile(
        dir_ + "/feeds.txt",
        absl::StrCat("# our outlets\n", base, "/feeds/vell.rss\n", base,
                     "/feeds/harbour.atom\n\n", base, "/feeds/tidings.json\n",
                     base, "/feeds/broken.xml\n", base, "/feeds/missing.xml\n",
                     "http://nonexistent.invalid/feed.xml\n"));
  }

  testing::CommandResult Fetch() {
    return RunCommand(testing::NewsindexPath() + " fetch --db " + Quote(db_) +
                      " --feeds " + Quote(dir_ + "/feeds.txt") +
                      " --fetch_timeout 2s --connect_timeout 1s --retries 2"
                      " --backoff 50ms --host_delay 0s --max_body 1000000"
                      " --max_redirects 3");
  }

  int64_t Count(const std::string& query) {
    testing::CommandResult r =
        RunCommand(testing::NewsearchPath() + " --db " + Quote(db_) +
                   " --json --no-fold --limit 0 " + Quote(query));
    rapidjson::Document json;
    json.Parse(r.out.c_str());
    if (r.exit_code != 0 || json.HasParseError()) return -1;
    return json["total"]["value"].GetInt64();
  }

  FeedServer server_;
  std::string dir_, db_;
};

TEST_F(FetchTest, IndexesWhatWorksReportsEachFailureAndRemembers) {
  testing::CommandResult first = Fetch();
  EXPECT_EQ(first.exit_code, 1) << first.err;  // some URLs failed
  const std::string base = server_.Base();
  // One line per failing URL, naming it, and the run went on.
  for (const auto& [url, cause] :
       std::vector<std::pair<std::string, std::string>>{
           {"/articles/slow.html", "timed out"},
           {"/articles/loop.html", "too many redirects"},
           {"/articles/huge.html", "body over 1000000 bytes"},
           {"/articles/notes.pdf", "error: "},
           {"/articles/empty.html", "no usable text"},
           {"/feeds/broken.xml", "line"},
           {"/feeds/missing.xml", "HTTP 404"}}) {
    EXPECT_THAT(first.err, HasSubstr(base + url + ": error: ")) << url;
    EXPECT_THAT(first.err, HasSubstr(cause)) << url;
  }
  EXPECT_THAT(first.err, HasSubstr("nonexistent.invalid/feed.xml: error: "));
  EXPECT_THAT(first.err,
              HasSubstr("feeds: 3 fetched, 0 not modified, 3 failed; items: 0 "
                        "unchanged; pages: 5 fetched, 0 not modified, 5 "
                        "failed; 6 indexed"));
  EXPECT_EQ(server_.Hits("/articles/flaky.html"), 3);  // 500, 500, 200
  EXPECT_EQ(Count("harbour strike"), 1);
  EXPECT_EQ(Count("title:lighthouse"), 1);
  EXPECT_EQ(Count("school reopens"), 1);
  EXPECT_EQ(Count("ferry timetable"), 1);  // from the feed alone
  EXPECT_EQ(Count("flaky"), 1);
  EXPECT_EQ(Count("sponsored"), 0);  // boilerplate left out
  // Pages name their outlet (og:site_name); a linkless item gets the feed's.
  EXPECT_EQ(Count("source:\"vell gazette\""), 6);
  EXPECT_EQ(Count("ferry source:\"vell gazette\""), 1);

  // Second run: the Atom feed's ETag and the JSON Feed's Last-Modified give
  // 304s; the RSS feed, which had failed items, is read again, its good
  // items are not fetched again, the failed ones are retried.
  testing::CommandResult second = Fetch();
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_THAT(second.err,
              HasSubstr("feeds: 1 fetched, 2 not modified, 3 failed; items: 4 "
                        "unchanged; pages: 0 fetched, 0 not modified, 5 "
                        "failed; 0 indexed"));
  EXPECT_EQ(server_.Header("/feeds/harbour.atom"), "\"atom-1\"");
  EXPECT_EQ(server_.Hits("/articles/a1.html"), 1);
  EXPECT_EQ(server_.Hits("/articles/a3.html"), 1);
  EXPECT_EQ(server_.Hits("/feeds/harbour.atom"), 2);
  EXPECT_EQ(Count("harbour strike"), 1);

  // The fetched articles are a recorded source: reindex rebuilds them
  // without fetching.
  testing::CommandResult reindex =
      RunCommand(testing::NewsindexPath() + " reindex --threads 2 --grace 0s --db " +
                 Quote(db_));
  EXPECT_EQ(reindex.exit_code, 0) << reindex.err;
  EXPECT_EQ(Count("harbour strike"), 1);
  EXPECT_EQ(Count("ferry timetable"), 1);
  EXPECT_EQ(server_.Hits("/articles/a1.html"), 1);
  // What fetch remembers survives the rebuild: still 304s after it.
  testing::CommandResult third = Fetch();
  EXPECT_THAT(third.err, HasSubstr("2 not modified"));
}

TEST_F(FetchTest, FetchedArticlesHaveTheLimitsOfRecords) {
  testing::WriteFile(dir_ + "/hostile.txt",
                     server_.Base() + "/feeds/hostile.rss\n");
  testing::CommandResult r = RunCommand(
      testing::NewsindexPath() + " fetch --db " + Quote(db_) + " --feeds " +
      Quote(dir_ + "/hostile.txt") + " --host_delay 0s --max_body 8000000");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string page = server_.Base() + "/articles/long.html: warning: ";
  EXPECT_THAT(r.err, HasSubstr(page + "field 'body' is "));
  EXPECT_THAT(r.err, HasSubstr(page + "field 'topics' has 1000 items; kept "
                                      "the first 100"));
  EXPECT_THAT(r.err, HasSubstr("1 indexed"));
  EXPECT_EQ(Count("aardvark"), 1);
  EXPECT_EQ(Count("zeppelin"), 0);  // past the first MiB of the body
  EXPECT_EQ(Count("topic:\"topic 99\""), 1);
  EXPECT_EQ(Count("topic:\"topic 100\""), 0);
}

TEST_F(FetchTest, UsageErrors) {
  testing::CommandResult none = RunCommand(testing::NewsindexPath() +
                                           " fetch --db " + Quote(db_));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no feed URL given"));
  testing::CommandResult bad = RunCommand(
      testing::NewsindexPath() + " fetch --db " + Quote(db_) +
      " --fetch_timeout soon http://127.0.0.1:1/feed");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--fetch_timeout must be a duration"));
  EXPECT_THAT(bad.err, Not(HasSubstr("indexed")));
}

}  // namespace
}  // namespace newsearch
