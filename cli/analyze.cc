#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "processors/analyzer.h"

namespace yuqing::cli {

namespace {

// One JSON line per input line: the tags of `yuqing process`, plus the input's id; a line that is not
// a JSON object with a string "text" gets {"id": …, "error": …} so outputs stay aligned with inputs.
int run_analyze(const processors::Analyzer& analyzer) {
  std::ios::sync_with_stdio(false);
  size_t lines = 0, bad = 0;
  std::string out;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++lines;
    nlohmann::json result;
    const auto in = nlohmann::json::parse(line, nullptr, false);
    const auto text = in.is_object() ? in.find("text") : in.end();
    const auto kind_field = in.is_object() ? in.find("kind") : in.end();
    // Text of unknown origin is read as a public voice (a post): articles and replies lean neutral
    // unless they state an opinion, which would mute a complaint piped in without its kind.
    std::optional<DocKind> kind = DocKind::post;
    if (kind_field != in.end())
      kind = kind_field->is_string() ? doc_kind_from_string(kind_field->get<std::string>()) : std::nullopt;
    if (!in.is_object() || text == in.end() || !text->is_string() || !kind) {
      ++bad;
      result = {{"id", in.is_object() && in.contains("id") ? in["id"] : nullptr},
                {"error", kind ? "expected a JSON object with a string \"text\""
                               : "\"kind\" must be one of article, comment, message, reply, post"}};
    } else {
      Document d;
      d.kind = *kind;
      d.text = text->get<std::string>();
      if (auto t = in.find("title"); t != in.end() && t->is_string()) d.title = t->get<std::string>();
      if (auto c = in.find("context"); c != in.end() && c->is_string()) d.context = c->get<std::string>();
      if (auto id = in.find("id"); id != in.end() && id->is_string()) d.id = id->get<std::string>();
      if (auto p = in.find("parent_id"); p != in.end() && p->is_string()) d.parent_id = p->get<std::string>();
      result = to_json_value(analyzer.analyze(d));
      result["id"] = in.contains("id") ? in["id"] : nullptr;
    }
    out = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  spdlog::info("analyze: {} documents, {} rejected", lines, bad);
  return bad ? 1 : 0;
}

}  // namespace

void add_analyze_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "analyze",
      "Tag documents read from stdin, one JSON object per line {\"id\", \"text\", \"title\"?, \"kind\"?,\n"
      "\"context\"?, \"parent_id\"?}, and write one JSON line per input: sentiment, category, issues (with departments),\n"
      "intent, places, keywords, story — the same code path `yuqing process` runs on Kafka. kind is one of\n"
      "article, comment, message, reply, post (default: text of unknown origin is read as a public voice; say\n"
      "article for news, whose sentiment leans neutral unless it states an opinion); context is what the parent\n"
      "is about (its title and opening), which places, category and issues fall back on; a parent_id makes a\n"
      "post a reaction (an answer in a thread), which joins a story only when long. Exit code 1 if a line\n"
      "was not a document.");
  auto configs = std::make_shared<std::string>();
  cmd->add_option("--configs", *configs, "folder with the tagging rules; default: processor.rules_dir of the config");
  cmd->callback([&ctx, configs] {
    const Config& c = ctx.start("analyze");
    const processors::Analyzer analyzer(configs->empty() ? c.resolve(c.processor.rules_dir) : std::filesystem::path(*configs));
    ctx.exit_code = run_analyze(analyzer);
  });
}

}  // namespace yuqing::cli
