#include <cstdlib>

#include "cli/command.h"
#include "processors/analyzer.h"
#include "processors/text/normalize.h"
#include "processors/text/segment.h"
#include "processors/training/train.h"

namespace yuqing::cli {

namespace {

std::filesystem::path data_dir(const Config& c, const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("YUQING_SHARED_DATA"); env && *env) return env;
  return c.resolve("../shared/data");
}

}  // namespace

void add_train_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("train", "Rebuild the processors' models from the shared data (models/README.md).");
  cmd->require_subcommand(1);
  auto data = std::make_shared<std::string>();
  cmd->add_option("--data", *data, "shared data root; default: $YUQING_SHARED_DATA, else ../shared/data");

  auto sentiment = cmd->add_subcommand(
      "sentiment",
      "Train the sentiment model (NB-weighted logistic regression over character 1-3-grams, liblinear) on\n"
      "weibo2018 and weibo_senti_100k (each minus a 10% held-out slice), ChnSentiCorp train and online_shopping\n"
      "(minus copies of held-out texts); print the model's accuracy and negative-class F1 on the held-out sets;\n"
      "write the model (processors/train.h, processors/sentiment_model.h). Deterministic; about 25 s of CPU on this project's 2-core machine.");
  auto so = std::make_shared<processors::SentimentTrainOptions>();
  auto s_out = std::make_shared<std::string>();
  sentiment->add_option("-o,--output", *s_out,
                        "model file (relative to the project home); default models/sentiment.tsv.gz, with --validate "
                        "var/models/sentiment-validation.tsv.gz");
  sentiment->add_flag("--validate", so->validate,
                      "train without the validation slice and score it instead of the held-out sets (for tuning)");
  sentiment->add_option("--weibo-repeat", so->weibo_repeat, "times each Weibo training row is used")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  sentiment->add_option("-C,--cost", so->c, "liblinear's C (higher fits the training rows more closely)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sentiment->add_option("--min-count", so->min_count, "drop character n-grams found in fewer training rows")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sentiment->add_option("--min-weight", so->min_weight,
                        "leave n-grams whose |weight| is below this out of the model file (smaller, faster to load)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sentiment->callback([&ctx, data, so, s_out] {
    const Config& c = ctx.start("train");
    so->data_dir = data_dir(c, *data);
    // A validation model never replaces the committed one unless asked to.
    so->output = c.resolve(so->validate && s_out->empty() ? "var/models/sentiment-validation.tsv.gz"
                                                          : s_out->empty() ? "models/sentiment.tsv.gz" : *s_out);
    const processors::Normalizer normalizer;
    try {
      for (const auto& [name, f] : processors::train_sentiment(*so, normalizer))
        std::printf("%-26s n=%-6zu accuracy=%.4f negative-F1=%.4f\n", name.c_str(), f.n, f.accuracy, f.negative_f1);
      std::printf("model: %s\n", so->output.c_str());
    } catch (const std::exception& e) {
      ctx.exit_code = report(Status::fatal(e.what()), "train sentiment");
    }
  });

  auto category = cmd->add_subcommand(
      "category",
      "Train the category model (one-vs-rest NB-weighted logistic regression over character 1-3-grams, liblinear)\n"
      "on the real citizen messages of topics/gov_messages (7 of the 15 level-1 classes), without the test split\n"
      "(raw messages whose text hashes to 0 mod 5) or any copy of a test message in the segmented file; print the\n"
      "model's per-class F1 and macro-F1 on the test split; write the model (processors/training/train.h,\n"
      "processors/taggers/category_model.h). Deterministic.");
  auto co = std::make_shared<processors::CategoryTrainOptions>();
  auto c_out = std::make_shared<std::string>();
  category->add_option("-o,--output", *c_out,
                       "model file (relative to the project home); default models/category.tsv.gz, with --validate "
                       "var/models/category-validation.tsv.gz");
  category->add_flag("--validate", co->validate,
                     "train without the validation slice (and the test split) and score the slice instead (for tuning)");
  category->add_option("-C,--cost", co->c, "liblinear's C")->check(CLI::PositiveNumber)->capture_default_str();
  category->add_option("--min-count", co->min_count, "drop character n-grams found in fewer training rows")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  category->add_option("--min-weight", co->min_weight, "leave n-grams whose |weight| is below this out of the model file")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  category->add_option("--balance", co->balance,
                       "a class's rows weigh (other rows / class rows)^BALANCE in its model (0: all alike)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  category->callback([&ctx, data, co, c_out] {
    const Config& c = ctx.start("train");
    co->data_dir = data_dir(c, *data);
    co->output = c.resolve(co->validate && c_out->empty() ? "var/models/category-validation.tsv.gz"
                                                          : c_out->empty() ? "models/category.tsv.gz" : *c_out);
    const processors::Normalizer normalizer;
    try {
      const auto f = processors::train_category(*co, normalizer);
      std::printf("%s: %zu messages, model alone (argmax over its classes)\n", co->validate ? "validation slice" : "test split", f.n);
      std::printf("  %-16s %5s %6s %6s %6s\n", "level-1", "n", "P", "R", "F1");
      for (const auto& [name, cf] : f.per_class)
        std::printf("  %-16s %5zu %6.3f %6.3f %6.3f\n", name.c_str(), cf.n, cf.precision, cf.recall, cf.f1);
      std::printf("  macro-F1 %.4f   accuracy %.4f\n", f.macro_f1, f.accuracy);
      std::printf("model: %s\n", co->output.c_str());
    } catch (const std::exception& e) {
      ctx.exit_code = report(Status::fatal(e.what()), "train category");
    }
  });

  auto keywords = cmd->add_subcommand("keywords", "Build the TF-IDF background (document frequencies) for keywords.");
  auto k_out = std::make_shared<std::string>("models/keywords_idf.tsv");
  keywords->add_option("-o,--output", *k_out, "IDF table (relative to the project home)")->capture_default_str();
  keywords->callback([&ctx, data, k_out] {
    const Config& c = ctx.start("train");
    processors::KeywordTrainOptions o;
    o.data_dir = data_dir(c, *data);
    o.output = c.resolve(*k_out);
    const processors::Normalizer normalizer;
    const auto segmenter = processors::load_segmenter(c.resolve(c.processor.rules_dir));
    try {
      const size_t n = processors::train_keywords(o, normalizer, *segmenter);
      std::printf("%zu words -> %s\n", n, o.output.c_str());
    } catch (const std::exception& e) {
      ctx.exit_code = report(Status::fatal(e.what()), "train keywords");
    }
  });
}

}  // namespace yuqing::cli
