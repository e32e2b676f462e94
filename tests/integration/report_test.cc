// The weekly report end to end on real services: the default scenario stored by the binary
// (`yuqing sandbox --store`) in a private database, one extra document with a hostile title in the
// leading story, then `yuqing report weekly --week 2026-W43` as a user runs it. The PDF is read
// back with poppler (pdftotext, pdffonts, pdftoppm) and the figures are compared with what
// `yuqing query` answers on the same data. No mocks: ClickHouse 18.16 and Debian's chromium.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/document.h"
#include "storage/clickhouse/client.h"
#include "storage/sink.h"
#include "storage/queries/queries.h"
#include "tests/integration/support.h"

#ifdef YUQING_BINARY

namespace yuqing::reports {
namespace {

namespace fs = std::filesystem;
constexpr const char* kHostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
constexpr const char* kWeek = "2026-W43";  // the default scenario's peak week: 2026-10-19 .. 2026-10-26 (China time)

struct Result {
  int exit_code = -1;
  std::string out, err;
};

Result run(const std::string& command) {
  const fs::path err_file = fs::temp_directory_path() / ("report_test_err_" + std::to_string(::getpid()));
  Result r;
  FILE* p = ::popen((command + " 2>" + err_file.string()).c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  fs::remove(err_file);
  return r;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// CSV from `yuqing query ... --format csv` (no quoted commas in the columns used here).
std::vector<std::map<std::string, std::string>> csv(const std::string& text) {
  std::vector<std::map<std::string, std::string>> rows;
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> head;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    if (head.empty()) {
      head = cells;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < head.size() && i < cells.size(); ++i) row[head[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

// A PPM (P6) page as pdftoppm writes it.
struct Image {
  int width = 0, height = 0;
  std::string pixels;  // RGB
};
Image read_ppm(const fs::path& p) {
  Image img;
  std::ifstream in(p, std::ios::binary);
  std::string magic;
  int maxval = 0;
  in >> magic >> img.width >> img.height >> maxval;
  in.get();
  img.pixels.resize(size_t(img.width) * size_t(img.height) * 3);
  in.read(img.pixels.data(), std::streamsize(img.pixels.size()));
  return img;
}
// Share of pixels that are not near-white, and of those that are clearly coloured (charts draw in
// blue, red, green and orange; text is grey-black).
void ink(const Image& img, double& dark_share, double& colour_share) {
  size_t dark = 0, colour = 0, total = img.pixels.size() / 3;
  for (size_t i = 0; i + 2 < img.pixels.size(); i += 3) {
    const int r = static_cast<unsigned char>(img.pixels[i]), g = static_cast<unsigned char>(img.pixels[i + 1]),
              b = static_cast<unsigned char>(img.pixels[i + 2]);
    if (r < 235 || g < 235 || b < 235) ++dark;
    if (std::max({r, g, b}) - std::min({r, g, b}) > 60) ++colour;
  }
  dark_share = total ? double(dark) / double(total) : 0;
  colour_share = total ? double(colour) / double(total) : 0;
}

class ReportWeekly : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new Config(testing::isolated_config("report"));
    config_file_ = new fs::path(testing::write_config_file(*config_));
    out_ = new fs::path(fs::temp_directory_path() / (config_->clickhouse.database + "_out"));
    fs::remove_all(*out_);
    const std::string yuqing = std::string(YUQING_BINARY) + " --config " + config_file_->string();
    store_ = new Result(run(yuqing + " sandbox --store"));
    if (store_->exit_code != 0) return;
    // Alerts as the lead's detectors raise them on a replay of the two weeks up to the report's
    // end; one acknowledged and one closed, so 部门回应 has every state to count. Their mails stay
    // in the test home's own outbox.
    const std::string alert = yuqing + " alert --alerts " + fs::absolute("configs/alerts.yaml").string();
    alerts_ran_ = run(alert + " run --from 2026-10-12 --to 2026-10-26").exit_code == 0;
    const Result listed = run(alert + " list --json --limit 1000");
    std::vector<std::string> ids;
    for (std::istringstream in(listed.out); std::getline(in, line_);)
      if (auto j = nlohmann::json::parse(line_, nullptr, false); j.is_object() && j.value("fired_at", "") >= "2026-10-19" &&
                                                                   j.value("fired_at", "") < "2026-10-26")
        ids.push_back(j.value("id", ""));
    if (ids.size() >= 2) {
      alerts_ran_ = alerts_ran_ && run(alert + " ack " + ids[0] + " --by 测试员").exit_code == 0 &&
                    run(alert + " close " + ids[1] + " --by 测试员 --reason 已处置").exit_code == 0;
    }
    alerts_json_ = new std::string(run(alert + " list --json --limit 1000").out);
    // The hostile document joins the report's leading story (its id is on the drill-down line of
    // 事件一) just after the story's first document in the week, from a site of its own, so it is
    // one of the story's representative documents (the earliest per site); then the report is
    // written again over the first one.
    const std::string command = yuqing + " report weekly --week " + kWeek + " --format html,pdf,md --out " + out_->string();
    if (run(command).exit_code != 0) return;
    const std::string first_md = read(*out_ / (std::string("weekly-") + kWeek + ".md"));
    const size_t flag = first_md.find("--story ", first_md.find("### 事件一"));
    if (flag == std::string::npos) return;
    const std::string story = first_md.substr(flag + 8, 32);
    clickhouse::Client client(config_->clickhouse);
    queries::DocsQuery dq;
    dq.common.window.since = queries::TimeBound{std::nullopt, "2026-10-19 00:00:00"};
    dq.common.window.until = queries::TimeBound{std::nullopt, "2026-10-26 00:00:00"};
    dq.limit = 10000;
    std::string sql;
    queries::Table t;
    if (!queries::build_docs(dq, sql)) return;
    // Only the story's documents: the docs query orders newest first, so the last match is the earliest.
    sql.insert(sql.find("\nORDER BY"), " AND if(story_id != '', story_id, if(content_hash != '', content_hash, id)) = " + clickhouse::quote(story));
    if (!queries::run(client, sql, t) || t.rows.empty()) return;
    const std::string first_seen = t.rows.back()[1];  // local time, Asia/Shanghai
    EnrichedDocument e;
    e.doc.url = "http://127.0.0.1:18089/hostile/1";
    e.doc.id = make_document_id(e.doc.url);
    e.doc.kind = DocKind::article;
    e.doc.site = "hostile-test";
    e.doc.title = kHostile;
    e.doc.text = "老旧小区改造 运河街道 " + std::string(kHostile);
    const auto at = parse_iso8601(first_seen.substr(0, 10) + "T" + first_seen.substr(11) + "+08:00");
    e.doc.published_at = at.value_or(0) + 1;
    e.doc.fetched_at = e.doc.published_at.value_or(0) + 60;
    e.processed_at = e.doc.fetched_at + 60;
    e.tags.sentiment_label = "neutral";
    e.tags.story_id = story;
    e.tags.content_hash = "hostile";
    inserted_hostile_ = client.execute("INSERT INTO documents FORMAT JSONEachRow", clickhouse::to_row(e)).status.is_ok();
    report_ = new Result(run(command));
  }
  static void TearDownTestSuite() {
    if (config_) testing::drop_database(*config_);
    // Kept for a look when a test failed.
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (out_ && suite && suite->failed_test_count() == 0) fs::remove_all(*out_);
  }
  void SetUp() override {
    ASSERT_EQ(store_->exit_code, 0) << "sandbox --store failed:\n" << store_->err;
    ASSERT_TRUE(inserted_hostile_);
    ASSERT_NE(report_, nullptr);
    ASSERT_EQ(report_->exit_code, 0) << report_->err;
  }
  static std::string yuqing(const std::string& args) {
    Result r = run(std::string(YUQING_BINARY) + " --config " + config_file_->string() + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return r.out;
  }
  static fs::path file(const std::string& ext) { return *out_ / (std::string("weekly-") + kWeek + "." + ext); }
  static std::string pdf_text() { return run("pdftotext -layout " + file("pdf").string() + " -").out; }

  static inline Config* config_ = nullptr;
  static inline fs::path* config_file_ = nullptr;
  static inline fs::path* out_ = nullptr;
  static inline Result* store_ = nullptr;
  static inline Result* report_ = nullptr;
  static inline bool inserted_hostile_ = false;
  static inline bool alerts_ran_ = false;
  static inline std::string* alerts_json_ = nullptr;
  static inline std::string line_;
};

TEST_F(ReportWeekly, WritesThreeFormatsAndPrintsTheirPaths) {
  for (const char* ext : {"html", "pdf", "md"}) {
    EXPECT_TRUE(fs::exists(file(ext))) << ext;
    EXPECT_NE(report_->out.find(file(ext).string()), std::string::npos) << ext;
  }
  EXPECT_EQ(read(file("pdf")).rfind("%PDF-", 0), 0u);
}

TEST_F(ReportWeekly, PdfHasEverySectionAtLeastFourPagesAndCjkFonts) {
  const std::string text = pdf_text();
  for (const char* title : {"1 总体态势", "2 热点议题", "3 重点事件", "4 分区域", "5 部门回应", "6 关注建议", "7 附录"})
    EXPECT_NE(text.find(title), std::string::npos) << title;
  const std::string info = run("pdfinfo " + file("pdf").string()).out;
  const size_t at = info.find("Pages:");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stoi(info.substr(at + 6)), 4) << info;
  EXPECT_NE(info.find("A4"), std::string::npos) << info;
  EXPECT_NE(text.find("第 2 页"), std::string::npos) << "page numbers";
  // Chromium embeds its glyphs as unnamed Type 3 fonts, so the font name cannot be checked; CJK
  // text that pdftotext reads back (the titles above) is drawn from real glyphs with ToUnicode maps.
}

TEST_F(ReportWeekly, LeadingEventIsTheOldHousingSurgeWithItsDepartment) {
  const std::string text = pdf_text();
  const size_t first = text.find("事件一"), second = text.find("事件二");
  ASSERT_NE(first, std::string::npos);
  const std::string block = text.substr(first, second == std::string::npos ? std::string::npos : second - first);
  EXPECT_NE(block.find("老旧小区"), std::string::npos) << block;
  EXPECT_NE(block.find("运河街道"), std::string::npos) << block;
  EXPECT_NE(block.find("区住房城乡建设局"), std::string::npos) << block;
  // And the issue leads 热点议题 with its department in the Markdown table.
  const std::string md = read(file("md"));
  const size_t row = md.find("| 1 | [老旧小区与棚户区改造]");
  ASSERT_NE(row, std::string::npos) << md.substr(0, 3000);
  EXPECT_NE(md.substr(row, md.find('\n', row) - row).find("区住房城乡建设局"), std::string::npos);
}

TEST_F(ReportWeekly, ChartPagesAreNotBlank) {
  const fs::path prefix = *out_ / "page";
  ASSERT_EQ(run("pdftoppm -r 60 " + file("pdf").string() + " " + prefix.string()).exit_code, 0);
  // Page 2 holds 总体态势 with the trend lines; page 3 the issue bars and stacks.
  for (int page : {2, 3}) {
    fs::path ppm;
    for (const auto& entry : fs::directory_iterator(*out_)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("page-", 0) == 0 && std::stoi(name.substr(5)) == page) ppm = entry.path();
    }
    ASSERT_FALSE(ppm.empty()) << "no page " << page;
    double dark = 0, colour = 0;
    ink(read_ppm(ppm), dark, colour);
    EXPECT_GT(dark, 0.03) << "page " << page << " is nearly blank";
    EXPECT_GT(colour, 0.002) << "page " << page << " has no coloured chart marks";
  }
}

TEST_F(ReportWeekly, HostileTitleIsTextInHtmlAndPdf) {
  const std::string html = read(file("html"));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  const std::string text = pdf_text();
  EXPECT_NE(text.find("<script>alert(1)</script>"), std::string::npos);
}

TEST_F(ReportWeekly, FiguresEqualWhatYuqingQueryAnswers) {
  const std::string md = read(file("md"));
  const std::string week = "--since 2026-10-19 --until 2026-10-26";
  const auto weekly = csv(yuqing("query trend --by week --since 2026-10-12 --until 2026-10-26 --format csv"));
  ASSERT_EQ(weekly.size(), 2u);
  const auto& last = weekly[0];
  const auto& now = weekly[1];
  const auto issue = csv(yuqing("query trend --by week --issue 老旧小区与棚户区改造 --exact " + week + " --format csv"));
  const auto place = csv(yuqing("query trend --by week --place 运河街道 --exact " + week + " --format csv"));
  const auto sites = csv(yuqing("query trend --by week --split site " + week + " --format csv"));
  // The leading event's story id, from its drill-down line (`--story <id>`).
  const size_t event = md.find("### 事件一"), flag = md.find("--story ", event);
  ASSERT_NE(flag, std::string::npos);
  const std::string story_id = md.substr(flag + 8, 32);
  std::vector<std::map<std::string, std::string>> story;
  for (const auto& row : csv(yuqing("query stories --limit 30 " + week + " --format csv")))
    if (row.at("story") == story_id) story.push_back(row);
  const auto story_docs = csv(yuqing("query docs --story " + story_id + " --limit 1000 " + week + " --format csv"));
  const auto top = csv(yuqing("query top-issues --week 2026-W43 --limit 20 --format csv"));
  ASSERT_EQ(issue.size(), 1u);
  ASSERT_EQ(place.size(), 1u);
  ASSERT_EQ(story.size(), 1u);
  std::string issue_last_week;
  for (const auto& r : top)
    if (r.at("issue") == "老旧小区与棚户区改造") issue_last_week = r.at("last_week");
  ASSERT_FALSE(issue_last_week.empty());

  struct Case {
    const char* what;
    std::string expected_in_report;
  };
  const Case cases[] = {
      {"documents of the week", "共监测到 " + now.at("documents") + " 篇文档"},
      {"sites of the week", "来自 " + std::to_string(sites.size()) + " 个站点"},
      {"documents last week", "较上周（" + last.at("documents") + " 篇）"},
      {"negative documents of the week", "负面 " + now.at("negative") + " 篇"},
      {"the leading issue: this week, last week", "](<http://127.0.0.1:18090/#/docs?since=2026-10-19&until=2026-10-26&issue=%E8%80%81%E6%97%A7%E5%B0%8F%E5%8C%BA%E4%B8%8E%E6%A3%9A%E6%88%B7%E5%8C%BA%E6%94%B9%E9%80%A0>) | " +
                                                      issue[0].at("documents") + " | " + issue_last_week + " |"},
      {"运河街道 documents", "[运河街道](<"},
      {"leading story documents and sites", "| 本周文档 | " + story[0].at("documents") + " 篇，" + story[0].at("sites") + " 个站点 |"},
      {"leading story documents (query docs --story)", "| 本周文档 | " + std::to_string(story_docs.size()) + " 篇，"},
  };
  for (const auto& c : cases) EXPECT_NE(md.find(c.expected_in_report), std::string::npos) << c.what << ": " << c.expected_in_report;
  // 运河街道's row: | [运河街道](<...>) | documents | negative | ...
  const size_t row = md.find("| [运河街道]");
  ASSERT_NE(row, std::string::npos);
  const std::string line = md.substr(row, md.find('\n', row) - row);
  EXPECT_NE(line.find(">) | " + place[0].at("documents") + " | " + place[0].at("negative") + " |"), std::string::npos) << line;
}

TEST_F(ReportWeekly, AlertsOfTheWeekAreListedAndCountedPerDepartment) {
  ASSERT_TRUE(alerts_ran_);
  // What the alert store holds for the week, per routed department: received, acknowledged
  // (acknowledged or closed), closed.
  std::map<std::string, std::array<int, 3>> expected;
  int in_week = 0;
  std::istringstream in(*alerts_json_);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || j.value("fired_at", "") < "2026-10-19" || j.value("fired_at", "") >= "2026-10-26") continue;
    ++in_week;
    const std::string status = j.value("status", "");
    for (const auto& d : j["departments"]) {
      auto& e = expected[d.get<std::string>()];
      ++e[0];
      e[1] += status != "open";
      e[2] += status == "closed";
    }
  }
  ASSERT_GE(in_week, 2) << "the replay raised no alerts in the surge week";
  const std::string md = read(file("md"));
  EXPECT_NE(md.find("本周共触发预警 " + std::to_string(in_week) + " 条"), std::string::npos);
  for (const auto& [dept, e] : expected) {
    const std::string row = "| " + dept + " | " + std::to_string(e[0]) + " | " + std::to_string(e[1]) + " | " + std::to_string(e[2]) + " |";
    EXPECT_NE(md.find(row), std::string::npos) << row;
  }
  EXPECT_GE(expected["区住房城乡建设局"][0], 1);
  // The leading event lists its alerts.
  const size_t first = md.find("### 事件一"), second = md.find("### 事件二");
  const std::string block = md.substr(first, second - first);
  EXPECT_EQ(block.find("| 相关预警 | 无 |"), std::string::npos) << block;
  EXPECT_NE(block.find("老旧小区与棚户区改造 声量异常上升"), std::string::npos) << block;
}

TEST_F(ReportWeekly, WeekWithoutDataIsRefusedNamingWhatIsMissing) {
  const Result r = run(std::string(YUQING_BINARY) + " --config " + config_file_->string() + " report weekly --week 2027-W10 --out " +
                    (*out_ / "empty").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("week 2027-W10"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("has 0 stored documents"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the database holds"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(*out_ / "empty" / "weekly-2027-W10.pdf"));
}

TEST_F(ReportWeekly, SqlFlagPrintsEveryStatementWithoutAConfig) {
  const Result r = run(std::string(YUQING_BINARY) + " report weekly --week 2026-W43 --sql");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  size_t statements = 0;
  for (size_t at = 0; (at = r.out.find(";\n", at)) != std::string::npos; ++at) ++statements;
  EXPECT_GE(statements, 14u) << r.out;
}

}  // namespace
}  // namespace yuqing::reports

#endif  // YUQING_BINARY
