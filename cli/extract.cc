// `yuqing extract`: the crawler's decoding and article extraction applied to one saved page, for
// people checking a site and for the extraction benchmark (tests/eval/extraction/).

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

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
  // Field specs as a source's `fields:` spells them (crawlers/extract/fields.h), by YAML key.
  std::map<std::string, std::string> fields;
};

std::optional<crawlers::FieldSpec> field_spec(const std::map<std::string, std::string>& fields, const std::string& key) {
  auto it = fields.find(key);
  if (it == fields.end() || it->second.empty()) return std::nullopt;
  return crawlers::FieldSpec::parse(it->second);  // validated by the option's check
}

int run_extract(const ExtractArgs& args) {
  std::string raw;
  if (args.file == "-") {
    raw.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(args.file, ec)) {  // opens fine, then throws on the first read
      std::cerr << "extract: " << args.file << " is a directory; give one saved page (or - for stdin)\n";
      return 2;
    }
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
  options.fields.title = field_spec(args.fields, "title");
  options.fields.text = field_spec(args.fields, "text");
  options.fields.published_at = field_spec(args.fields, "published_at");
  options.fields.author = field_spec(args.fields, "author");
  options.fields.source_name = field_spec(args.fields, "source_name");
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
  // The per-site field specs of configs/sources.yaml, so a page can be checked with the rules the
  // crawler would apply: --title-selector h1.title is `fields: {title: h1.title}`.
  const auto valid_spec = [](const std::string& spec) {
    std::string error;
    return crawlers::FieldSpec::parse(spec, &error) ? std::string() : "bad field spec '" + spec + "': " + error;
  };
  for (const auto& [flag, key, what] : {std::tuple{"--title-selector", "title", "the title"},
                                        std::tuple{"--body-selector", "text", "the main text"},
                                        std::tuple{"--time-selector", "published_at", "the publish time"},
                                        std::tuple{"--author-selector", "author", "the author"},
                                        std::tuple{"--source-selector", "source_name", "the source (来源)"}}) {
    cmd->add_option(flag, args->fields[key],
                    std::string("field spec overriding ") + what + ", as a source's fields." + key +
                        " in sources.yaml: selector (visible text of the first match) or selector@attr")
        ->check(valid_spec);
  }
  cmd->callback([&ctx, args] {
    // The config's time.utc_offset_minutes is the zone of a page date written without one.
    ctx.start("extract");
    ctx.exit_code = run_extract(*args);
  });
}

}  // namespace yuqing::cli
