// Extraction throughput against its limit, bare gumbo parsing, on the shared benchmark pages:
//   scrapinghub  181 mostly English news pages (html/*.html.gz)
//   gne          62 Chinese news pages (GeneralNewsExtractor tests/*/*.html)
// Pages are read and decoded to UTF-8 once, outside the timed loops; bytes/s counts the UTF-8
// input. Run from the repo root (data: $YUQING_SHARED_DATA, else ../shared/data):
//   build/tests/bench_extract --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/gzip.h"
#include "crawlers/charset.h"
#include "crawlers/extract/article.h"

namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string crawlers_decode(const std::string& raw) { return yuqing::crawlers::decode_to_utf8(raw).utf8; }

fs::path data_dir() {
  const char* env = std::getenv("YUQING_SHARED_DATA");
  return env ? fs::path(env) : fs::path("../shared/data");
}

std::vector<std::string> load(const std::string& corpus) {
  std::vector<std::string> pages;
  const fs::path root = data_dir() / "extraction";
  if (corpus == "scrapinghub") {
    for (const auto& e : fs::directory_iterator(root / "scrapinghub" / "html"))
      pages.push_back(crawlers_decode(yuqing::gunzip(read_all(e.path()), size_t(1) << 30).value_or("")));
  } else {
    for (const auto& site : fs::directory_iterator(root / "gne" / "tests"))
      for (const auto& e : fs::directory_iterator(site.path()))
        if (e.path().extension() == ".html") pages.push_back(crawlers_decode(read_all(e.path())));
  }
  if (pages.empty()) std::cerr << "no pages under " << root << "\n";
  return pages;
}

const std::vector<std::string>& corpus(int which) {
  static const std::vector<std::string> scrapinghub = load("scrapinghub");
  static const std::vector<std::string> gne = load("gne");
  return which == 0 ? scrapinghub : gne;
}

void set_counters(benchmark::State& state, const std::vector<std::string>& pages) {
  int64_t bytes = 0;
  for (const auto& p : pages) bytes += int64_t(p.size());
  state.SetBytesProcessed(int64_t(state.iterations()) * bytes);
  state.counters["pages/s"] = benchmark::Counter(double(state.iterations()) * double(pages.size()), benchmark::Counter::kIsRate);
}

void BM_GumboParse(benchmark::State& state) {
  const auto& pages = corpus(int(state.range(0)));
  for (auto _ : state)
    for (const auto& html : pages) {
      const yuqing::crawlers::HtmlDocument doc(html);
      benchmark::DoNotOptimize(doc.root());
    }
  set_counters(state, pages);
}

void BM_ParseAndExtract(benchmark::State& state) {
  const auto& pages = corpus(int(state.range(0)));
  for (auto _ : state)
    for (const auto& html : pages) {
      const yuqing::crawlers::HtmlDocument doc(html);
      auto a = yuqing::crawlers::extract_article(doc, "");
      benchmark::DoNotOptimize(a.text.data());
    }
  set_counters(state, pages);
}

void BM_DecodeParseExtract(benchmark::State& state) {
  // Includes charset detection and conversion, as the crawler does per page (on UTF-8 input).
  const auto& pages = corpus(int(state.range(0)));
  for (auto _ : state)
    for (const auto& raw : pages) {
      const yuqing::crawlers::HtmlDocument doc(yuqing::crawlers::decode_to_utf8(raw).utf8);
      auto a = yuqing::crawlers::extract_article(doc, "");
      benchmark::DoNotOptimize(a.text.data());
    }
  set_counters(state, pages);
}

}  // namespace

// Argument 0: scrapinghub pages, 1: GNE's Chinese pages.
BENCHMARK(BM_GumboParse)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndExtract)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeParseExtract)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
