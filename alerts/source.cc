#include "alerts/source.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "storage/clickhouse/json_rows.h"

namespace yuqing::alerts {

const char* const kLoadFactsSql =
    "SELECT id, kind, parent_id, site, author, "
    "if(story_id != '', story_id, if(content_hash != '', content_hash, id)) AS story, "
    "toUnixTimestamp(event_time) AS t, issues, places, sentiment_label, intent, title, url, "
    "substringUTF8(text, 1, 1500) AS text_prefix, keywords "
    "FROM documents FINAL "
    "WHERE event_time >= toDateTime({from}, 'UTC') AND event_time < toDateTime({to}, 'UTC') "
    "ORDER BY t, id";

Status load_facts(clickhouse::Client& client, UnixSeconds from, UnixSeconds to,
                  const std::vector<std::string>& official_sites, std::vector<Fact>& out) {
  std::string sql = kLoadFactsSql;
  sql.replace(sql.find("{from}"), 6, std::to_string(from));
  sql.replace(sql.find("{to}"), 4, std::to_string(to));
  auto r = client.execute(sql + " FORMAT JSONEachRow");
  if (!r.status) return r.status;
  return clickhouse::for_each_json_row(r.body, "document", [&](const nlohmann::json& row) {
    Fact f;
    f.id = row.at("id").get<std::string>();
    f.kind = doc_kind_from_string(row.at("kind").get<std::string>()).value_or(DocKind::article);
    f.parent_id = row.at("parent_id").get<std::string>();
    f.site = row.at("site").get<std::string>();
    f.author = row.at("author").get<std::string>();
    f.story = row.at("story").get<std::string>();
    f.time = row.at("t").get<int64_t>();
    f.issues = row.at("issues").get<std::vector<std::string>>();
    f.places = row.at("places").get<std::vector<std::string>>();
    f.sentiment = row.at("sentiment_label").get<std::string>();
    f.intent = row.at("intent").get<std::string>();
    f.title = row.at("title").get<std::string>();
    f.url = row.at("url").get<std::string>();
    f.text = utf8_prefix(row.at("text_prefix").get<std::string>(), kFactTextChars);
    f.keywords = row.at("keywords").get<std::vector<std::string>>();
    f.official = std::find(official_sites.begin(), official_sites.end(), f.site) != official_sites.end();
    out.push_back(std::move(f));
  });
}

}  // namespace yuqing::alerts
