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
