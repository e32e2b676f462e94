#include <cstdlib>

#include "cli/command.h"
#include "processors/analyzer.h"
#include "processors/normalize.h"
#include "processors/segment.h"
#include "processors/train.h"

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
      "Train the fastText sentiment model on weibo2018 and weibo_senti_100k (each minus a 10% held-out slice),\n"
      "ChnSentiCorp train and online_shopping (minus copies of held-out texts); print accuracy and negative-class\n"
      "F1 on the held-out sets; write the quantized model (processors/train.h).");
  auto so = std::make_shared<processors::SentimentTrainOptions>();
  auto s_out = std::make_shared<std::string>();
  sentiment->add_option("-o,--output", *s_out,
                        "model file (relative to the project home); default models/sentiment.ftz, with --validate "
                        "var/models/sentiment-validation.ftz");
  sentiment->add_flag("--validate", so->validate,
                      "train without the validation slice and score it instead of the held-out sets (for tuning)");
  sentiment->add_option("--weibo-repeat", so->weibo_repeat, "times each Weibo training row is used")
      ->capture_default_str();
  sentiment->add_option("--autotune-seconds", so->autotune_seconds,
                        "search hyper-parameters on a validation slice of the training data for this long (0: fixed)")
      ->capture_default_str();
  sentiment->add_option("--dim", so->dim)->capture_default_str();
  sentiment->add_option("--epoch", so->epoch)->capture_default_str();
  sentiment->add_option("--lr", so->lr)->capture_default_str();
  sentiment->add_option("--word-ngrams", so->word_ngrams)->capture_default_str();
  sentiment->add_option("--minn", so->minn)->capture_default_str();
  sentiment->add_option("--maxn", so->maxn)->capture_default_str();
  sentiment->add_option("--bucket", so->bucket)->capture_default_str();
  sentiment->add_option("--cutoff", so->cutoff, "rows kept by quantization")->capture_default_str();
  sentiment->add_option("--threads", so->threads, "more than 1 is faster but not reproducible bit for bit")
      ->capture_default_str();
  sentiment->callback([&ctx, data, so, s_out] {
    const Config& c = ctx.start("train");
    const auto configs = c.resolve(c.processor.rules_dir);
    so->data_dir = data_dir(c, *data);
    // A validation model never replaces the committed one unless asked to.
    so->output = c.resolve(so->validate && s_out->empty() ? "var/models/sentiment-validation.ftz"
                                                          : s_out->empty() ? "models/sentiment.ftz" : *s_out);
    const processors::Normalizer normalizer;
    const auto segmenter = processors::load_segmenter(configs);
    try {
      for (const auto& [name, f] : processors::train_sentiment(*so, normalizer, *segmenter))
        std::printf("%-22s n=%-6zu accuracy=%.4f negative-F1=%.4f\n", name.c_str(), f.n, f.accuracy, f.negative_f1);
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
