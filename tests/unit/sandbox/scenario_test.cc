// The default scenario's injected events, checked in the truth they produce, and the loader's
// strictness.
#include "sandbox/scenario.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/status.h"
#include "sandbox/web.h"

namespace yuqing::sandbox {
namespace {

constexpr UnixSeconds kDay = 86400;

struct Truth {
  Scenario scenario;
  std::vector<nlohmann::json> lines;
};

const Truth& truth() {
  static const Truth t = [] {
    Truth out{load_scenario("configs/scenarios/default.yaml"), {}};
    const auto web = SandboxWeb::generate(out.scenario, 20221);
    std::istringstream in(web.truth_jsonl(origins_for("127.0.0.1", 18080)));
    for (std::string line; std::getline(in, line);) out.lines.push_back(nlohmann::json::parse(line));
    return out;
  }();
  return t;
}

int day_of(const nlohmann::json& line) {
  return int((*parse_iso8601(line["published_at"].get<std::string>()) - truth().scenario.start) / kDay);
}

double negative_share(const std::vector<const nlohmann::json*>& docs) {
  size_t negative = 0;
  for (const auto* d : docs) negative += (*d)["sentiment"] == "negative";
  return docs.empty() ? 0 : double(negative) / double(docs.size());
}

TEST(Scenario, OldHousingSurgeInYunheRisesInWeekThreeWithNegativityAndReposts) {
  std::vector<const nlohmann::json*> week2, early3, late3;
  std::set<std::string> sites;
  size_t reposts = 0;
  for (const auto& t : truth().lines) {
    if (t["issue"] != "老旧小区与棚户区改造" || t["place"] != "运河街道") continue;
    const int day = day_of(t);
    if (day >= 7 && day < 14) week2.push_back(&t);
    if (day >= 14 && day < 17) early3.push_back(&t);
    if (day >= 18 && day < 21) late3.push_back(&t);
    if (t["event_id"] == "old-housing-surge-yunhe") {
      sites.insert(t["site"].get<std::string>());
      reposts += !t["duplicate_of"].is_null();
    }
  }
  std::cout << "老旧小区改造 in 运河街道: week 2 " << week2.size() << " docs (" << negative_share(week2) << " negative), days 14-16 " << early3.size()
            << " (" << negative_share(early3) << "), days 18-20 " << late3.size() << " (" << negative_share(late3) << ")\n";
  EXPECT_GT(double(early3.size()) / 3, double(week2.size()) / 7) << "the surge starts above the baseline";
  EXPECT_GT(late3.size(), early3.size()) << "volume rises through week 3";
  EXPECT_GT(negative_share(late3), negative_share(early3)) << "negativity rises through week 3";
  EXPECT_GT(negative_share(early3), negative_share(week2));
  EXPECT_GE(sites.size(), 4u);
  EXPECT_GT(reposts, 3u) << "the surge is reposted across sites";
}

TEST(Scenario, RumourIsAnsweredByAnOfficialClarification) {
  UnixSeconds first_rumour = 0, clarification = 0;
  size_t rumour_items = 0;
  for (const auto& t : truth().lines) {
    if (t["event_id"] != "epidemic-rumour-nigou") continue;
    const UnixSeconds at = *parse_iso8601(t["published_at"].get<std::string>());
    if (t["site"] == "district-portal") {
      EXPECT_EQ(t["kind"], "article");
      clarification = at;
    } else if (t["duplicate_of"].is_null()) {
      ++rumour_items;
      if (!first_rumour || at < first_rumour) first_rumour = at;
    }
  }
  EXPECT_GT(rumour_items, 3u);
  ASSERT_NE(clarification, 0);
  EXPECT_LT(first_rumour, clarification);
}

TEST(Scenario, OneThingReformIsPraised) {
  size_t items = 0, positive = 0;
  for (const auto& t : truth().lines) {
    if (t["event_id"] != "one-thing-praise" || t["kind"] == "reply") continue;
    ++items;
    positive += t["sentiment"] == "positive";
  }
  EXPECT_GT(items, 20u);
  EXPECT_GT(double(positive) / double(items), 0.7);
}

TEST(Scenario, FarmSubsidyMessagesInOneTownStayUnanswered) {
  size_t messages = 0;
  for (const auto& t : truth().lines) {
    if (t["event_id"] != "farm-subsidy-unanswered-malantun") continue;
    EXPECT_EQ(t["site"], "message-board");
    EXPECT_EQ(t["kind"], "message") << "no reply belongs to this event";
    EXPECT_EQ(t["place"], "马兰屯镇");
    EXPECT_FALSE(t["answered"].get<bool>());
    ++messages;
  }
  EXPECT_GE(messages, 8u);
  size_t answered = 0, late = 0, all = 0;
  for (const auto& t : truth().lines) {
    if (t["kind"] != "message") continue;
    ++all;
    answered += t["answered"].get<bool>();
    late += t["late"].get<bool>();
  }
  EXPECT_GT(answered, all / 2);
  EXPECT_LT(answered, all);
  EXPECT_GT(late, 0u);
}

TEST(Scenario, BadKeysAndNamesAreErrorsNamingTheYamlPath) {
  const auto file = std::filesystem::temp_directory_path() / ("scenario_test_" + std::to_string(::getpid()) + ".yaml");
  std::ifstream in("configs/scenarios/default.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto expect_error = [&](const std::string& yaml, const std::string& what) {
    std::ofstream(file) << yaml;
    try {
      load_scenario(file);
      ADD_FAILURE() << "no error for " << what;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_error(text.str() + "surprise: 1\n", "surprise");
  std::string bad_place = text.str();
  bad_place.replace(bad_place.find("place: 运河街道"), std::string("place: 运河街道").size(), "place: 火星");
  expect_error(bad_place, "events[0].place: unknown place");
  std::string bad_start = text.str();
  bad_start.replace(bad_start.find("2026-10-05"), 10, "2026-10-06");
  expect_error(bad_start, "start: the timeline must start on a Monday");
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace yuqing::sandbox
