// Which mails an hour sends and what they carry: a table of hours against the routing rules, and a
// hostile document title that must stay text.
#include <gtest/gtest.h>


#include "alerts/evidence.h"
#include "alerts/notify.h"
#include "mail/message.h"
#include "tests/unit/edited_configs.h"

namespace yuqing::alerts {
namespace {

// 2026-10-19 00:00 China time.
constexpr UnixSeconds kDayStart = 1792339200;
constexpr const char* kFrom = "yuqing 舆情监测 <yuqing@localhost>";

AlertsConfig config() { return load_alerts_config("configs/alerts.yaml", "configs/issues.yaml"); }

Alert alert(Severity s, UnixSeconds fired, const std::string& id) {
  Alert a;
  a.id = id;
  a.detector = "volume_spike";
  a.severity = s;
  a.issue = "老旧小区与棚户区改造";
  a.place = "运河街道";
  a.departments = {"运河街道", "区住房城乡建设局"};
  a.title = "运河街道 老旧小区与棚户区改造 声量异常上升";
  a.summary = "过去24小时新增 6 个相关话题";
  a.fired_at = fired;
  a.window_start = fired - kDay;
  a.window_end = fired;
  a.document_ids = {"d1", "d2"};
  return a;
}

TEST(Notify, RoutingRulesByHour) {
  const AlertsConfig c = config();
  ASSERT_EQ(c.routing.quiet_start_hour, 22);
  ASSERT_EQ(c.routing.quiet_end_hour, 7);
  ASSERT_EQ(c.routing.digest_hour, 9);
  const size_t per_alert = c.recipients_for({"运河街道", "区住房城乡建设局"}).size();  // two units + the office
  ASSERT_EQ(per_alert, 3u);
  struct Case {
    const char* what;
    std::vector<Alert> alerts;
    UnixSeconds now;
    size_t mails;
  };
  const Case cases[] = {
      {"重大 at night goes out at once", {alert(Severity::critical, kDayStart + 23 * kHour, "a")}, kDayStart + 23 * kHour, per_alert},
      {"较大 by day goes out at once", {alert(Severity::major, kDayStart + 15 * kHour, "b")}, kDayStart + 15 * kHour, per_alert},
      {"较大 at night waits", {alert(Severity::major, kDayStart + 23 * kHour, "c")}, kDayStart + 23 * kHour, 0},
      {"... until 07:00", {alert(Severity::major, kDayStart + 23 * kHour, "c")}, kDayStart + 31 * kHour, per_alert},
      {"一般 waits for the digest", {alert(Severity::general, kDayStart + 15 * kHour, "d")}, kDayStart + 15 * kHour, 0},
      {"one digest per recipient at 09:00",
       {alert(Severity::general, kDayStart + 15 * kHour, "d"), alert(Severity::general, kDayStart + 20 * kHour, "e")},
       kDayStart + 33 * kHour, per_alert},
      {"nothing older than a day in the digest", {alert(Severity::general, kDayStart + 2 * kHour, "f")}, kDayStart + 33 * kHour, 0},
  };
  for (const auto& k : cases) EXPECT_EQ(mails_for_hour(c, k.alerts, k.now, kFrom).size(), k.mails) << k.what;
}

// The continuous runner mails the immediate detectors' alerts as they fire, by the minute of
// firing; the hour's full evaluation then adds what the quiet hours held back, and nothing twice.
TEST(Notify, ImmediateMailsKeepQuietHours) {
  const AlertsConfig c = config();
  const size_t per_alert = c.recipients_for({"运河街道", "区住房城乡建设局"}).size();
  struct Case {
    const char* what;
    Severity severity;
    UnixSeconds fired;       // the immediate evaluation's minute
    size_t at_once;          // mails_for_immediate at `fired`
    UnixSeconds hour_end;    // the full evaluation that follows (the stored alert keeps `fired`)
    size_t at_hour_end;      // mails_for_hour then
  };
  const Case cases[] = {
      {"重大 at 03:30 goes out at once", Severity::critical, kDayStart + 3 * kHour + 1800, per_alert, kDayStart + 4 * kHour, 0},
      {"较大 at 06:30 waits for 07:00", Severity::major, kDayStart + 6 * kHour + 1800, 0, kDayStart + 7 * kHour, per_alert},
      {"较大 at 21:30 goes out at once, not again at 07:00", Severity::major, kDayStart + 21 * kHour + 1800, per_alert,
       kDayStart + 31 * kHour, 0},
      {"一般 waits for the digest", Severity::general, kDayStart + 15 * kHour + 1800, 0, kDayStart + 16 * kHour, 0},
  };
  for (const auto& k : cases) {
    const Alert a = alert(k.severity, k.fired, "immediate");
    EXPECT_EQ(mails_for_immediate(c, {a}, k.fired, kFrom).size(), k.at_once) << k.what;
    EXPECT_EQ(mails_for_hour(c, {a}, k.hour_end, kFrom).size(), k.at_hour_end) << k.what;
  }
  // Equal start and end hours: no quiet hours.
  AlertsConfig always = c;
  always.routing.quiet_start_hour = always.routing.quiet_end_hour = 0;
  const Alert night = alert(Severity::major, kDayStart + 23 * kHour, "night");
  EXPECT_EQ(mails_for_immediate(always, {night}, night.fired_at, kFrom).size(), per_alert);
  EXPECT_EQ(mails_for_hour(always, {night}, night.fired_at, kFrom).size(), per_alert);
}

TEST(Notify, MessageIdsAreStablePerAlertAndRecipient) {
  const AlertsConfig c = config();
  const Alert a = alert(Severity::major, kDayStart + 15 * kHour, "same");
  const auto first = alert_email(c, a, "yunhe@taierzhuang.gov.example", kFrom);
  EXPECT_EQ(first.message_id, alert_email(c, a, "yunhe@taierzhuang.gov.example", kFrom).message_id);
  EXPECT_NE(first.message_id, alert_email(c, a, "zjj@taierzhuang.gov.example", kFrom).message_id);
}

TEST(Notify, DocumentTextStaysText) {
  const AlertsConfig c = config();
  Alert a = alert(Severity::critical, kDayStart + 15 * kHour, "hostile");
  const std::string hostile = "<script>alert(1)</script>\r\nBcc: x@example.com";
  a.title = hostile;
  a.samples = {{"d1", hostile, "http://127.0.0.1:18081/a\"onmouseover=\"x", "local-news", kDayStart, "negative"}};
  const auto email = alert_email(c, a, "yunhe@taierzhuang.gov.example", kFrom);
  EXPECT_EQ(email.html.find("<script>"), std::string::npos);
  EXPECT_NE(email.html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(email.html.find("a\"onmouseover"), std::string::npos);
  const std::string mime = mail::render_mime(email, kDayStart);
  const std::string headers = mime.substr(0, mime.find("\r\n\r\n"));
  EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("\nBcc:"), std::string::npos) << headers;
}

}  // namespace
}  // namespace yuqing::alerts

namespace yuqing::alerts {
namespace {

// An issue seven units share by trade goes to the units of the sectors its documents name.
TEST(Routing, ASharedIssueGoesToTheUnitsOfTheSectorsItsDocumentsName) {
  const AlertsConfig c = config();
  struct Case {
    std::vector<std::string> documents;
    std::vector<std::string> units;
  };
  const Case cases[] = {
      {{"小区停水三天没有任何通知", "自来水发黄", "停水什么时候恢复"}, {"区城乡水务局"}},
      // Heating named by two of three: both sectors (each named by at least half the top count).
      {{"暖气不热，室温只有十几度", "供暖费怎么缴纳", "停水什么时候恢复"}, {"区城乡水务局", "区住房城乡建设局"}},
      // Water by three, buses by one: the buses fall under half the top count.
      {{"停水", "停水了", "又停水", "公交车班次太少"}, {"区城乡水务局"}},
      // No sector named: all seven, as the plan lists them.
      {{"投诉了好几次，一直推诿扯皮"}, c.units_for("公共企事业单位", "运河街道")},
  };
  for (const auto& k : cases) EXPECT_EQ(c.units_for("公共企事业单位", "运河街道", k.documents), k.units) << k.documents.front();
  EXPECT_EQ(c.units_for("公共企事业单位", "运河街道").size(), 7u);
  // An issue without sectors is routed as before, whatever its documents say.
  EXPECT_EQ(c.units_for("社会保险", "运河街道", {"停水"}), c.units_for("社会保险", "运河街道"));
}

TEST(Routing, ASectorOfAUnitTheIssueDoesNotNameIsAConfigError) {
  const testing::EditedConfigs edited("yuqing_sectors");
  ASSERT_TRUE(edited.replace("issues.yaml", "      区发展改革局: [供电,", "      区供电公司: [供电,"));
  try {
    load_alerts_config("configs/alerts.yaml", edited.dir() / "issues.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sectors.区供电公司: '区供电公司' is not one of the issue's lead or departments"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace yuqing::alerts
