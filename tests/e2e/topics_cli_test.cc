// Topics through the built newsindex: learn-topics then --topic_model on
// tiny hand-made inputs, the taxonomy on the sample corpus, and the flags'
// errors.
#include <xapian.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "newsearch/doc_data.h"
#include "newsearch/schema.h"
#include "tests/test_util.h"

namespace newsearch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Quote;
using testing::RunCommand;

std::string Record(const std::string& id, const std::string& title,
                   const std::string& body, const std::string& topic) {
  std::string line = "{\"id\": \"" + id + "\", \"title\": \"" + title +
                     "\", \"body\": \"" + body + "\", \"language\": \"en\"";
  if (!topic.empty()) line += ", \"topics\": [\"" + topic + "\"]";
  return line + "}\n";
}

// Six labelled records for each of two labels.
std::string TrainingJsonl() {
  std::string out;
  for (int i = 0; i < 6; ++i) {
    const std::string n = std::to_string(i);
    out += Record("s" + n, "Striker scores in cup match " + n,
                  "The striker and the goalkeeper played the cup match; the "
                  "team won the league title.",
                  "Football");
    out += Record("f" + n, "Bank raises interest rates " + n,
                  "The central bank raised interest rates as inflation and "
                  "prices rose.",
                  "Monetary Policy");
  }
  return out;
}

NewsDocument Stored(const Xapian::Database& db, const std::string& id) {
  Xapian::PostingIterator it = db.postlist_begin(schema::IdTerm(id));
  if (it == db.postlist_end(schema::IdTerm(id))) return NewsDocument{};
  return DecodeDocData(db.get_document(*it).get_data())
      .value_or(NewsDocument{});
}

class TopicsCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("topics"); }
  testing::CommandResult Newsindex(const std::string& args) {
    return RunCommand(testing::NewsindexPath() + " " + args);
  }
  std::string dir_;
};

TEST_F(TopicsCliTest, LearnTopicsThenIndexWithTheModel) {
  const std::string train = dir_ + "/train.jsonl";
  const std::string model = dir_ + "/model.json";
  testing::WriteFile(train, TrainingJsonl());
  testing::CommandResult learn =
      Newsindex("learn-topics --model " + Quote(model) + " " + Quote(train));
  ASSERT_EQ(learn.exit_code, 0) << learn.err;
  EXPECT_THAT(learn.err, HasSubstr("learned 2 labels from 12 documents"));
  EXPECT_THAT(learn.err, HasSubstr("vocabulary"));

  const std::string input = dir_ + "/new.jsonl";
  testing::WriteFile(
      input, Record("u1", "Goalkeeper saves as striker scores",
                    "The team won the cup match.", "") +
                 Record("u2", "Interest rates rise",
                        "The central bank acts "
                        "on inflation.",
                        "") +
                 // No word the model knows: the taxonomy answers.
                 Record("u3", "Hospital vaccine trial",
                        "Doctors and "
                        "patients.",
                        "") +
                 Record("e1", "Striker scores", "Cup match.", "Economy"));
  const std::string db = dir_ + "/db";
  testing::CommandResult index =
      Newsindex("--db " + Quote(db) + " --topic_model " + Quote(model) + " " +
                Quote(input));
  ASSERT_EQ(index.exit_code, 0) << index.err;
  Xapian::Database xdb(db);
  EXPECT_THAT(Stored(xdb, "u1").inferred_topics, ElementsAre("Football"));
  EXPECT_THAT(Stored(xdb, "u2").inferred_topics,
              ElementsAre("Monetary Policy"));
  EXPECT_THAT(Stored(xdb, "u3").inferred_topics, ElementsAre("Health"));
  EXPECT_TRUE(xdb.term_exists("XTfootball"));
  EXPECT_TRUE(xdb.term_exists("XTmonetary-policy"));
  // Explicit topics are kept as they are, with nothing inferred.
  EXPECT_THAT(Stored(xdb, "e1").topics, ElementsAre("Economy"));
  EXPECT_THAT(Stored(xdb, "e1").inferred_topics, IsEmpty());
}

TEST_F(TopicsCliTest, InferTopicsFalseInfersNothing) {
  const std::string input = dir_ + "/in.jsonl";
  testing::WriteFile(input, Record("u1", "Storm closes the harbour", "", ""));
  const std::string db = dir_ + "/db";
  testing::CommandResult index =
      Newsindex("--db " + Quote(db) + " --infer_topics=false " + Quote(input));
  ASSERT_EQ(index.exit_code, 0) << index.err;
  Xapian::Database xdb(db);
  EXPECT_THAT(Stored(xdb, "u1").inferred_topics, IsEmpty());
  EXPECT_EQ(xdb.allterms_begin(schema::kPrefixTopic),
            xdb.allterms_end(schema::kPrefixTopic));
}

TEST_F(TopicsCliTest, SampleCorpusGivesEveryDocumentATopic) {
  const std::string db = dir_ + "/db";
  testing::CommandResult index = Newsindex(
      "--db " + Quote(db) + " " + Quote(testing::SourceDir() + "/data/sample"));
  ASSERT_EQ(index.exit_code, 0) << index.err;
  Xapian::Database xdb(db);
  ASSERT_GT(xdb.get_doccount(), 80u);
  int inferred = 0;
  for (Xapian::PostingIterator it = xdb.postlist_begin("");
       it != xdb.postlist_end(""); ++it) {
    Xapian::TermIterator term = xdb.termlist_begin(*it);
    term.skip_to(schema::kPrefixTopic);
    const bool has_topic = term != xdb.termlist_end(*it) &&
                           (*term).rfind(schema::kPrefixTopic, 0) == 0;
    const NewsDocument doc = DecodeDocData(xdb.get_document(*it).get_data())
                                 .value_or(NewsDocument{});
    EXPECT_TRUE(has_topic) << doc.id << " " << doc.title;
    inferred += !doc.inferred_topics.empty();
  }
  // The page files carry no topics: all of theirs are inferred.
  EXPECT_GE(inferred, 20);
}

TEST_F(TopicsCliTest, BadTopicFilesAndMissingModelFlagAreFatal) {
  const std::string input = dir_ + "/in.jsonl";
  testing::WriteFile(input, Record("u1", "Storm", "", ""));
  const std::string broken = dir_ + "/broken.json";
  testing::WriteFile(broken, "{\"topics\": [");
  const std::string db = dir_ + "/db";

  testing::CommandResult r = Newsindex("--db " + Quote(db) + " --taxonomy " +
                                       Quote(broken) + " " + Quote(input));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(broken + ": invalid JSON"));

  const std::string other = dir_ + "/taxonomy-not-model.json";
  testing::WriteFile(other, "{\"topics\": []}");
  r = Newsindex("--db " + Quote(db) + " --topic_model " + Quote(other) + " " +
                Quote(input));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(other + ": not a topic model"));

  r = Newsindex("learn-topics " + Quote(input));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("learn-topics needs --model"));

  r = Newsindex("learn-topics --model " + Quote(dir_ + "/m.json") + " " +
                Quote(input));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no document has explicit topics"));
}

}  // namespace
}  // namespace newsearch
