// PDF from the report's HTML through headless Chromium (Debian's `chromium`, fonts-noto-cjk).
//
// Contract
// - print_pdf() runs one Chromium process with a fresh profile directory (removed afterwards), no
//   network services, and --no-pdf-header-footer: page size, margins and page numbers come from the
//   HTML's CSS (@page and its margin boxes, drawn by Chromium >= 131), so the file is the same
//   whether printed here or from a browser.
// - It blocks until Chromium exits or `timeout_seconds` pass (then Chromium is killed). Failure is
//   Status fatal with Chromium's last stderr lines; a missing binary names it and how to install it.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"

namespace yuqing::reports {

struct PdfOptions {
  std::string chromium = "chromium";  // name on PATH or a path; $YUQING_CHROMIUM overrides it in the CLI
  int timeout_seconds = 120;
};

Status print_pdf(const std::filesystem::path& html, const std::filesystem::path& pdf, const PdfOptions& o = {});

}  // namespace yuqing::reports
