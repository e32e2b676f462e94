#include "reports/pdf.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace yuqing::reports {
namespace {

std::string tail(const std::filesystem::path& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

}  // namespace

Status print_pdf(const std::filesystem::path& html, const std::filesystem::path& pdf, const PdfOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path html_abs = fs::absolute(html, ec);
  const fs::path pdf_abs = fs::absolute(pdf, ec);
  char tmpl[] = "/tmp/yuqing-chromium-XXXXXX";
  if (!mkdtemp(tmpl)) return Status::fatal("cannot create a temporary Chromium profile directory");
  const fs::path profile = tmpl;
  const fs::path log = profile / "stderr.log";
  fs::remove(pdf_abs, ec);

  std::vector<std::string> args = {o.chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--disable-extensions",
                                   "--user-data-dir=" + (profile / "profile").string(),
                                   "--no-pdf-header-footer",
                                   "--print-to-pdf=" + pdf_abs.string(),
                                   "file://" + html_abs.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout ends Chromium's helper processes too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, o.chromium.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    fs::remove_all(profile, ec);
    return Status::fatal("cannot start '" + o.chromium + "' (" + std::strerror(rc) +
                         "): install Debian's chromium and fonts-noto-cjk (scripts/setup.sh), or set YUQING_CHROMIUM");
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_seconds);
  bool timed_out = false;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string err = tail(log, 1500);
  fs::remove_all(profile, ec);
  if (timed_out) return Status::fatal("chromium did not finish the PDF within " + std::to_string(o.timeout_seconds) + " s");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(pdf_abs) || fs::file_size(pdf_abs, ec) == 0)
    return Status::fatal("chromium failed to print " + pdf_abs.string() + ": " + err);
  return Status::ok();
}

}  // namespace yuqing::reports
