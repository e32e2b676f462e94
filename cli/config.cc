// yuqing config: the configuration reference (--defaults) and a validator (--check).
#include <iostream>

#include "alerts/config.h"
#include "cli/command.h"
#include "crawlers/sources.h"
#include "server/config.h"

namespace yuqing::cli {

namespace {

// The pipeline file and the files it leads to, each read by its own loader exactly as the
// commands read it; the first error is reported with its file and YAML path.
int check(const Context& ctx, const std::string& file) {
  const std::filesystem::path path = !file.empty()              ? std::filesystem::path(file)
                                     : !ctx.config_path.empty() ? std::filesystem::path(ctx.config_path)
                                                                : default_config_path();
  try {
    const Config c = load_config(path);
    std::cout << c.file.string() << ": OK\n";
    const auto sources = c.resolve(c.crawler.sources_file);
    std::cout << sources.string() << ": OK, " << crawlers::load_sources(sources).size() << " sources\n";
    const alerts::AlertsConfig a = alerts::load_alerts_config(c, "");
    std::cout << a.file.string() << ": OK\n";
    const auto server_yaml = server::default_server_config_path(c.file);
    server::load_server_config(server_yaml);
    std::cout << server_yaml.string() << (std::filesystem::exists(server_yaml) ? ": OK\n" : ": absent, the defaults apply\n");
  } catch (const ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

void add_config_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "config",
      "The pipeline configuration (configs/pipeline.yaml).\n"
      "  yuqing config --defaults        every key with its default, range and one-line doc, as YAML\n"
      "                                  (the reference; configs/pipeline.yaml is this output)\n"
      "  yuqing config --check [FILE]    validate FILE (default: the --config file) and the files it\n"
      "                                  names (sources, alerts.yaml, server.yaml); say OK or the first error");
  auto defaults = std::make_shared<bool>(false);
  auto file = std::make_shared<std::string>();
  auto* defaults_flag = cmd->add_flag("--defaults", *defaults, "print the pipeline YAML with every default, documented");
  auto* check_option =
      cmd->add_option("--check", *file, "validate FILE, default the --config file; exit 2 on the first error")->expected(0, 1);
  defaults_flag->excludes(check_option);
  cmd->callback([&ctx, defaults, file, check_option] {
    if (*defaults) {
      std::cout << config_yaml(Config{});
    } else if (check_option->count()) {
      ctx.exit_code = check(ctx, *file);
    } else {
      std::cerr << "config: give --defaults or --check [FILE] (yuqing config --help)\n";
      ctx.exit_code = 2;
    }
  });
}

}  // namespace yuqing::cli
