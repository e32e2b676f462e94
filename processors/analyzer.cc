#include "processors/analyzer.h"

#include <algorithm>

#include "core/hash.h"
#include "core/yaml_reader.h"
#include "processors/taggers/category.h"
#include "processors/taggers/intent.h"
#include "processors/taggers/issues.h"
#include "processors/taggers/keywords.h"
#include "processors/text/normalize.h"
#include "processors/taggers/places.h"
#include "processors/text/segment.h"
#include "processors/taggers/sentiment.h"
#include "processors/taggers/sentiment_model.h"
#include "processors/taggers/stories.h"

namespace yuqing::processors {
namespace {

YamlSection section(const std::filesystem::path& dir, const std::string& file) {
  const std::string path = (dir / file).string();
  return YamlSection(load_yaml_file(path), path);
}

std::filesystem::path resolve(const std::filesystem::path& dir, const std::string& p) {
  return std::filesystem::path(p).is_absolute() ? std::filesystem::path(p) : dir / p;
}

struct AnalyzerOptions {
  std::string friso_ini = "friso.ini";
  std::string opencc = "/usr/share/opencc/t2s.json";
  std::string keywords_idf = "../models/keywords_idf.tsv";
  std::vector<std::string> stopwords;
  int keywords_top = 8;
  StoryOptions stories;
};

AnalyzerOptions load_options(const std::filesystem::path& dir) {
  AnalyzerOptions o;
  YamlSection root = section(dir, "analyzer.yaml");
  YamlSection seg = root.child("segmenter");
  seg.read("friso_ini", o.friso_ini);
  seg.finish();
  YamlSection norm = root.child("normalize");
  norm.read("opencc", o.opencc);
  norm.finish();
  YamlSection kw = root.child("keywords");
  kw.read("idf", o.keywords_idf);
  kw.read("top", o.keywords_top, 1, 100);
  kw.read("stopwords", o.stopwords);
  kw.finish();
  YamlSection st = root.child("stories");
  long capacity = long(o.stories.capacity), min_chars = long(o.stories.min_chars),
       reaction_min_chars = long(o.stories.reaction_min_chars);
  st.read("capacity", capacity, 1, 100000000);
  st.read("min_chars", min_chars, 1, 100000);
  st.read("reaction_min_chars", reaction_min_chars, 1, 100000);
  st.read("min_containment", o.stories.min_containment, 0.5, 1.0);
  st.read("min_size_ratio", o.stories.min_size_ratio, 0.1, 1.0);
  st.finish();
  o.stories.capacity = size_t(capacity);
  o.stories.min_chars = size_t(min_chars);
  o.stories.reaction_min_chars = size_t(reaction_min_chars);
  root.finish();
  return o;
}

// The user dictionary: every configured term stays one token.
void add_user_terms(Segmenter& segmenter, std::initializer_list<const std::vector<std::string>*> lists) {
  for (const auto* terms : lists)
    for (const auto& t : *terms) segmenter.add_user_term(t);
}

}  // namespace

std::unique_ptr<Segmenter> load_segmenter(const std::filesystem::path& dir) {
  auto segmenter = std::make_unique<Segmenter>(resolve(dir, load_options(dir).friso_ini));
  YamlSection cues = section(dir, "cues.yaml");
  const SentimentTagger sentiment(cues.child("sentiment"), dir, false);
  const IntentTagger intent(cues.child("intent"));
  cues.finish();
  add_user_terms(*segmenter, {&CategoryTagger(section(dir, "taxonomy.yaml")).terms(),
                              &IssueTagger(section(dir, "issues.yaml")).terms(),
                              &PlaceTagger(section(dir, "places.yaml")).terms(), &intent.terms()});
  for (const auto& t : sentiment.terms()) segmenter->add_user_term(t);
  return segmenter;
}

Analyzer::Analyzer(const std::filesystem::path& dir) {
  const AnalyzerOptions o = load_options(dir);
  try {
    normalizer_ = std::make_unique<Normalizer>(o.opencc);
  } catch (const std::runtime_error& e) {
    throw ConfigError((dir / "analyzer.yaml").string() + ": normalize.opencc: " + e.what());
  }
  segmenter_ = std::make_unique<Segmenter>(resolve(dir, o.friso_ini));
  {
    YamlSection cues = section(dir, "cues.yaml");
    sentiment_ = std::make_unique<SentimentTagger>(cues.child("sentiment"), dir);
    intent_ = std::make_unique<IntentTagger>(cues.child("intent"));
    cues.finish();
  }
  category_ = std::make_unique<CategoryTagger>(section(dir, "taxonomy.yaml"), dir, true);
  issues_ = std::make_unique<IssueTagger>(section(dir, "issues.yaml"), category_->level2_names());
  places_ = std::make_unique<PlaceTagger>(section(dir, "places.yaml"));
  keywords_ = std::make_unique<KeywordTagger>(resolve(dir, o.keywords_idf), o.stopwords, o.keywords_top);
  stories_ = std::make_unique<StoryTracker>(o.stories);
  add_user_terms(*segmenter_, {&category_->terms(), &issues_->terms(), &places_->terms(), &intent_->terms()});
  for (const auto& t : sentiment_->terms()) segmenter_->add_user_term(t);
}

Analyzer::~Analyzer() = default;

Tags Analyzer::analyze(const Document& doc) const {
  Tags t;
  const NormalizedText body = normalizer_->normalize(doc.text);
  t.content_hash = fingerprint(body.text);
  const std::string text = doc.title.empty() ? body.text : normalizer_->normalize(doc.title).text + "\n" + body.text;
  const std::vector<Token> tokens = segmenter_->segment(text);

  // A reaction: a comment, a reply, or a post answering a thread (its parent is the first post).
  const bool reaction = doc.kind == DocKind::comment || doc.kind == DocKind::reply || !doc.parent_id.empty();
  const StoryAssignment story = stories_->assign({doc.id, t.content_hash, body.text, reaction});
  t.story_id = story.story_id;
  t.story_match = story.match;
  t.places = places_->tag(text, tokens);
  // A comment, reply or post seldom repeats where and what it is about; its parent's title and
  // opening (Document::context) do. Places fall back on that context when the item names none,
  // issues (evidence marked "context:") when it
  // names none and no place the context does not — a comment about another town is most likely
  // about another matter. The category takes the parent's class when the item's own evidence is
  // weaker than the parent's (a short comment's few n-grams say less than the article it is under).
  std::string context;
  std::vector<Token> context_tokens;
  bool same_places = true;
  if (!doc.context.empty()) {
    context = normalizer_->normalize(doc.context).text;
    context_tokens = segmenter_->segment(context);
    std::vector<std::string> context_places = places_->tag(context, context_tokens);
    for (const auto& p : t.places)
      same_places = same_places && std::find(context_places.begin(), context_places.end(), p) != context_places.end();
    if (t.places.empty()) t.places = std::move(context_places);
  }

  // Both n-gram models read the character n-grams of this text: build them once.
  std::vector<uint64_t> grams;
  if (category_->has_model() || sentiment_->has_model()) grams = char_ngrams(text);
  const std::vector<uint64_t>* shared = grams.empty() ? nullptr : &grams;
  CategoryResult category = category_->tag(text, tokens, shared);
  bool parents_category = false;
  if (!context.empty()) {  // the parent's class when the item's own evidence is weaker (or none)
    CategoryResult parent = category_->tag(context, context_tokens);
    if (!parent.level1.empty() && (category.level1.empty() || parent.score > category.score)) {
      category = std::move(parent);
      parents_category = true;
    }
  }
  t.category_l1 = std::move(category.level1);
  t.category_l2 = std::move(category.level2);
  t.category_score = category.score;

  t.issues = issues_->tag(text, tokens, t.places);
  // A government reply is about the matter of the message it answers, whatever else it names
  // (it always names the message board itself), so it takes the message's issues too.
  if (!context.empty() && same_places && (t.issues.empty() || doc.kind == DocKind::reply)) {
    for (IssueTag& issue : issues_->tag(context, context_tokens, t.places)) {
      if (std::any_of(t.issues.begin(), t.issues.end(), [&](const IssueTag& own) { return own.name == issue.name; }))
        continue;
      for (std::string& e : issue.evidence) e.insert(0, "context:");
      t.issues.push_back(std::move(issue));
    }
  }
  // No issue term at all: the taxonomy's level-2 class, whose term lists are broader, may stand for
  // one (configs/issues.yaml `level2`) — the parent's class only on the same terms as its issues.
  if (t.issues.empty() && (!parents_category || same_places)) t.issues = issues_->from_category(t.category_l2, t.places);

  SentimentResult sentiment = sentiment_->tag(text, tokens, doc.kind, shared);
  t.sentiment_label = std::move(sentiment.label);
  t.sentiment_score = sentiment.score;
  t.sentiment_evidence = std::move(sentiment.evidence);
  const bool rhetorical_question = sentiment.rhetorical_question;

  // A government reply reports what was done about a message; the complaint or question it quotes
  // is the citizen's intent, already tagged on the message itself.
  t.intent = doc.kind == DocKind::reply ? "news" : intent_->tag(text, tokens);
  // Citizens seldom write 投诉 when they complain: what they post in their own words (a comment,
  // forum post or message, not an article) that is negative and shows no other intent is a
  // complaint about the matter it is under. (Not so for praise: "positive ⇒ praise" turned as many
  // neutral comments into praise as it found unnamed praise on the sandbox.)
  const bool citizens_words = doc.kind == DocKind::comment || doc.kind == DocKind::post || doc.kind == DocKind::message;
  if (citizens_words && t.intent == "news" && t.sentiment_label == "negative") t.intent = "complaint";
  // A rhetorical question (难道…吗？, 凭什么…？) asks nothing: it is a complaint in question form.
  if (citizens_words && t.intent == "inquiry" && rhetorical_question) t.intent = "complaint";
  t.keywords = keywords_->tag(tokens);
  return t;
}

}  // namespace yuqing::processors
