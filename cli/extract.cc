// `yuqing extract`: the crawler's decoding and article extraction applied to one saved page, for
// people checking a site and for the extraction benchmark (tests/eval/extraction/).

#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/gzip.h"
#include "cli/command.h"
#include "crawlers/charset.h"
#include "crawlers/extract/article.h"

namespace yuqing::cli {
namespace {

constexpr size_t kMaxPageBytes = size_t(256) << 20;

nlohmann::json time_or_null(const std::optional<UnixSeconds>& t) {
  return t ? nlohmann::json(format_iso8601(*t)) : nlohmann::json(nullptr);
}

struct ExtractArgs {
  std::string file;
  std::string url;
  std::string charset;
  std::string fetched_at;
  crawlers::ExtractRules rules;
};

int run_extract(const ExtractArgs& args) {
  std::string raw;
  if (args.file == "-") {
    raw.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(args.file, std::ios::binary);
    if (!in) {
      std::cerr << "extract: cannot read " << args.file << "\n";
      return 1;
    }
    raw.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (is_gzip(raw)) {  // .html.gz as saved by benchmarks and `curl --compressed -o`
    auto plain = gunzip(raw, kMaxPageBytes);
    if (!plain) {
      std::cerr << "extract: " << args.file << " is not a valid gzip stream (or inflates beyond 256 MiB)\n";
      return 1;
    }
    raw = std::move(*plain);
  }
  crawlers::ExtractOptions options;
  options.rules = args.rules;
  if (!args.fetched_at.empty()) {
    options.fetched_at = parse_iso8601(args.fetched_at);
    if (!options.fetched_at) {
      std::cerr << "extract: --fetched-at wants ISO 8601 with an offset, e.g. 2022-06-18T12:00:00+08:00\n";
      return 2;
    }
  }
  const crawlers::DecodedText decoded = crawlers::decode_to_utf8(raw, {}, args.charset);
  const crawlers::HtmlDocument page(decoded.utf8);
  const crawlers::ExtractedArticle a = crawlers::extract_article(page, args.url, options);

  nlohmann::json comments = nlohmann::json::array();
  for (const auto& c : a.comments)
    comments.push_back({{"author", c.author}, {"text", c.text}, {"published_at", time_or_null(c.published_at)}});
  const nlohmann::json out = {{"title", a.title},
                              {"text", a.text},
                              {"published_at", time_or_null(a.published_at)},
                              {"author", a.author},
                              {"source_name", a.source_name},
                              {"charset", decoded.charset},
                              {"comments", comments}};
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

void add_extract_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ExtractArgs>();
  auto* cmd = app.add_subcommand("extract",
                                 "Print the extraction of one saved page (HTML or .html.gz) as one JSON object:\n"
                                 "title, text, published_at, author, source_name, charset, comments.");
  cmd->add_option("file", args->file, "saved page, or - for stdin")->required();
  cmd->add_option("--url", args->url, "the page's URL (a date in it is the last resort for published_at)");
  cmd->add_option("--charset", args->charset, "force this charset instead of meta/detection (e.g. gbk, big5)")
      ->check([](const std::string& cs) {
        return crawlers::canonical_charset(cs).empty() ? "unknown charset " + cs : std::string();
      });
  cmd->add_option("--fetched-at", args->fetched_at,
                  "fetch time (ISO 8601) that relative times such as 3小时前 count back from; without it they are ignored");
  cmd->add_option("--title-selector", args->rules.title_selector, "per-site rule overriding the title (CSS subset)");
  cmd->add_option("--body-selector", args->rules.body_selector, "per-site rule overriding the body (CSS subset)");
  cmd->add_option("--time-selector", args->rules.time_selector, "per-site rule overriding the publish time (CSS subset)");
  cmd->callback([&ctx, args] { ctx.exit_code = run_extract(*args); });
}

}  // namespace yuqing::cli
