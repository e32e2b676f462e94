#include "crawlers/extract/metadata.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "crawlers/extract/datetime.h"
#include "crawlers/extract/text.h"

namespace yuqing::crawlers {
namespace {

using text::contains_any;
using text::lower;
using text::trim;

struct PageMeta {
  std::map<std::string, std::string> meta;  // lower-case name/property/itemprop -> first content
  std::vector<std::string> json_ld;
  std::string title_tag;
  std::vector<std::string> h1;
  std::vector<std::string> time_attrs;       // <time datetime=...>, in document order
  std::vector<std::string> time_texts;       // <time> without datetime
  std::string script_text;                   // inline scripts (capped): CMS page variables
  std::vector<std::string> published_props;  // itemprop=datePublished values
  std::vector<std::string> author_props;     // itemprop=author, rel=author, class *byline*
};

// The unparsed text of a <script> (node_text drops scripts).
std::string raw_text(const GumboNode* n) {
  std::string out;
  const GumboVector& kids = n->v.element.children;
  for (unsigned k = 0; k < kids.length; ++k) {
    const auto* c = static_cast<const GumboNode*>(kids.data[k]);
    if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA || c->type == GUMBO_NODE_WHITESPACE) out += c->v.text.text;
  }
  return out;
}

// Page variables such as `publish_time: '2019-09-08 11:42:03'` sit in the first scripts; the
// cap keeps a page of inlined bundles from costing a scan of megabytes.
constexpr size_t kMaxScriptText = 256 * 1024;

PageMeta collect_meta(const HtmlDocument& page) {
  PageMeta m;
  page.for_each_element([&](const GumboNode* n) {
    const GumboTag tag = n->v.element.tag;
    if (tag == GUMBO_TAG_META) {
      const std::string content = attribute(n, "content");
      for (const char* key : {"name", "property", "itemprop", "http-equiv"}) {
        const std::string k = lower(attribute(n, key));
        if (!k.empty() && !content.empty()) m.meta.emplace(k, content);
      }
      return false;
    }
    if (tag == GUMBO_TAG_SCRIPT) {
      if (lower(attribute(n, "type")) == "application/ld+json") {
        m.json_ld.push_back(raw_text(n));
      } else if (m.script_text.size() < kMaxScriptText) {
        m.script_text += raw_text(n).substr(0, kMaxScriptText - m.script_text.size());
      }
      return false;
    }
    if (tag == GUMBO_TAG_TITLE && m.title_tag.empty()) m.title_tag = node_text(n);
    if (tag == GUMBO_TAG_H1 && m.h1.size() < 5) m.h1.push_back(node_text(n));
    if (tag == GUMBO_TAG_TIME) {
      const std::string dt = attribute(n, "datetime");
      if (dt.empty()) {
        m.time_texts.push_back(node_text(n));
      } else {
        m.time_attrs.push_back(dt);
      }
    }
    const std::string itemprop = attribute(n, "itemprop");
    if (itemprop == "datePublished") {
      std::string v = attribute(n, "datetime");
      if (v.empty()) v = attribute(n, "content");
      if (v.empty()) v = node_text(n);
      m.published_props.push_back(v);
    }
    if (itemprop == "author" || attribute(n, "rel") == "author" || lower(attribute(n, "class")).find("byline") != std::string::npos) {
      if (std::string v = node_text(n); !v.empty() && v.size() < 100) m.author_props.push_back(v);
    }
    return true;
  });
  return m;
}

std::string meta_value(const PageMeta& m, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (auto it = m.meta.find(k); it != m.meta.end() && !trim(it->second).empty()) return trim(it->second);
  return {};
}

struct JsonLdArticle {
  std::string headline, date_published, date_modified, author, publisher;
};

std::string json_name(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("name")) return json_name(v["name"]);
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      const std::string n = json_name(e);
      if (n.empty()) continue;
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
  return {};
}

void scan_json_ld(const nlohmann::json& j, JsonLdArticle& a) {
  if (j.is_array()) {
    for (const auto& e : j) scan_json_ld(e, a);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("@graph")) scan_json_ld(j["@graph"], a);
  const auto type = j.find("@type");
  std::string types;
  if (type != j.end()) types = type->is_string() ? type->get<std::string>() : type->dump();
  const bool article = contains_any(types, {"Article", "Posting", "Report", "NewsArticle", "WebPage"});
  if (!article) return;
  auto take = [&](std::string& field, const char* key) {
    if (field.empty() && j.contains(key)) field = trim(json_name(j[key]));
  };
  take(a.headline, "headline");
  take(a.date_published, "datePublished");
  take(a.date_published, "dateCreated");
  take(a.date_modified, "dateModified");
  take(a.author, "author");
  take(a.publisher, "publisher");
}

JsonLdArticle parse_json_ld(const std::vector<std::string>& blocks) {
  JsonLdArticle a;
  for (const std::string& b : blocks) {
    const auto j = nlohmann::json::parse(b, nullptr, false);
    if (!j.is_discarded()) scan_json_ld(j, a);
  }
  return a;
}

// The value after a label such as "来源：" up to the next space or separator, at most 30 bytes.
std::string after_label(std::string_view text, std::initializer_list<std::string_view> labels) {
  for (std::string_view label : labels) {
    size_t at = text.find(label);
    while (at != std::string_view::npos) {
      size_t i = at + label.size();
      while (i < text.size() && (text[i] == ' ' || text.compare(i, 3, "：") == 0 || text[i] == ':')) i += text[i] == ' ' || text[i] == ':' ? 1 : 3;
      size_t end = i;
      while (end < text.size() && end - i < 60) {
        const std::string_view rest = text.substr(end);
        if (rest[0] == ' ' || rest[0] == '\n' || rest[0] == '\t' || rest[0] == '|' || rest.starts_with("｜") ||
            rest.starts_with("　") || rest.starts_with("\xC2\xA0") || rest.starts_with("，") || rest.starts_with("。") ||
            rest.starts_with("）") || rest.starts_with(")") || rest.starts_with("】") || rest.starts_with("作者") ||
            rest.starts_with("编辑") || rest.starts_with("发布") || rest.starts_with("时间") || rest.starts_with("来源") ||
            rest.starts_with("记者") || rest.starts_with("浏览") || rest.starts_with("日期"))
          break;
        ++end;
      }
      std::string v(text.substr(i, end - i));
      if (!v.empty() && v.size() <= 45) return v;
      at = text.find(label, at + label.size());
    }
  }
  return {};
}

std::optional<UnixSeconds> date_after_label(std::string_view text, const DateReference& ref) {
  for (std::string_view label : {"发布时间", "发布日期", "发表时间", "发稿时间", "发表于", "发布于", "时间：", "日期：",
                                 "时间:", "日期:", "Published", "published"}) {
    for (size_t at = text.find(label); at != std::string_view::npos; at = text.find(label, at + 1)) {
      const std::string_view window = text.substr(at + label.size(), 48);
      if (const auto t = find_datetime(window, ref)) return t;
    }
  }
  return std::nullopt;
}

// A date right after a CMS variable name in inline script ("pubtime": "2019-09-07 19:02:26").
std::optional<UnixSeconds> date_in_scripts(std::string_view scripts) {
  for (std::string_view key : {"datePublished", "publish_time", "publishTime", "pubtime", "pubTime", "pubDate",
                               "pubdate", "publishDate", "publish_date", "pub_time", "publishtime"}) {
    for (size_t at = scripts.find(key); at != std::string_view::npos; at = scripts.find(key, at + 1)) {
      size_t i = at + key.size();
      // Only `key": "value"`, `key: 'value'` or `key = "value"`: not a longer identifier.
      while (i < scripts.size() && (scripts[i] == '"' || scripts[i] == '\'' || scripts[i] == ' ')) ++i;
      if (i >= scripts.size() || (scripts[i] != ':' && scripts[i] != '=')) continue;
      const std::string_view window = scripts.substr(i + 1, 40);
      if (auto t = parse_datetime_value(trim(std::string(window.substr(0, window.find_first_of(",}\n")))))) return t;
      if (auto t = find_datetime(window)) return t;
    }
  }
  // WeChat-style `var ct = "1581517074"`: a short name, so only as a whole identifier holding
  // Unix seconds.
  for (std::string_view key : {"ct"}) {
    for (size_t at = scripts.find(key); at != std::string_view::npos; at = scripts.find(key, at + 1)) {
      if (at > 0 && (std::isalnum(static_cast<unsigned char>(scripts[at - 1])) || scripts[at - 1] == '_' ||
                     scripts[at - 1] == '$' || scripts[at - 1] == '.'))
        continue;
      size_t i = at + key.size();
      while (i < scripts.size() && (scripts[i] == '"' || scripts[i] == '\'' || scripts[i] == ' ')) ++i;
      if (i >= scripts.size() || (scripts[i] != ':' && scripts[i] != '=')) continue;
      ++i;
      while (i < scripts.size() && (scripts[i] == '"' || scripts[i] == '\'' || scripts[i] == ' ')) ++i;
      size_t end = i;
      while (end < scripts.size() && std::isdigit(static_cast<unsigned char>(scripts[end]))) ++end;
      if (end - i != 10 || (end < scripts.size() && std::isalpha(static_cast<unsigned char>(scripts[end])))) continue;
      if (auto t = parse_datetime_value(scripts.substr(i, 10))) return t;
    }
  }
  return std::nullopt;
}

// The page's own modification time (meta or JSON-LD), an upper bound for its publish time.
std::optional<UnixSeconds> modified_time(const PageMeta& m, const JsonLdArticle& ld) {
  if (!ld.date_modified.empty())
    if (auto t = parse_datetime_value(ld.date_modified)) return t;
  const std::string v = meta_value(m, {"article:modified_time", "og:updated_time", "datemodified", "dateupdate",
                                       "dateupdated", "last-modified", "lastmodified"});
  return v.empty() ? std::nullopt : parse_datetime_value(v);
}

// A date on a copyright or registration line ("© 2005", "版权所有 … 2019-01-01") is the site's, not
// the article's.
bool on_copyright_line(std::string_view text, size_t pos) {
  const size_t from = pos > 60 ? pos - 60 : 0;
  const std::string_view before = text.substr(from, pos - from);
  return contains_any(std::string(before), {"©", "Copyright", "copyright", "COPYRIGHT", "版权", "(C)", "（C）", "ICP"});
}

// The byline date among several in the text before the body: the first after the headline (a
// byline sits under its title, the page header's "today" and navigation above it), else the
// nearest before the headline; without a headline in the text, the first. Dates on copyright
// lines are skipped; related-article lists, comments and footers come after the body and are not
// looked at.
std::optional<UnixSeconds> date_near_title(std::string_view before_body, std::string_view title, const DateReference& ref) {
  std::vector<DateMatch> dates = find_datetimes(before_body, ref);
  std::erase_if(dates, [&](const DateMatch& d) { return on_copyright_line(before_body, d.pos); });
  if (dates.empty()) return std::nullopt;
  // The headline's last mention before the body (its <h1>, not the <title> at the top); the first
  // 30 bytes, cut on a UTF-8 character boundary, are enough to find it.
  std::string_view key = trim(std::string(title)).empty() ? std::string_view{} : title;
  size_t cut = std::min<size_t>(key.size(), 30);
  while (cut > 0 && cut < key.size() && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  key = key.substr(0, cut);
  const size_t at = key.size() >= 6 ? before_body.rfind(key) : std::string_view::npos;
  if (at == std::string_view::npos) return dates.front().at;
  for (const DateMatch& d : dates)
    if (d.pos >= at) return d.at;
  return dates.back().at;
}

std::optional<UnixSeconds> date_from_url(std::string_view url, std::optional<UnixSeconds> fetched_at) {
  // /2022/06/18/, /2022-06-18/, /2022-06/18/, /202206/18/, /20220618/ and t20220618_ forms; only
  // a day that exists, from 1990 on, and not after the fetch time (+1 day for time zones).
  for (size_t i = 0; i + 8 <= url.size(); ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(url[i - 1]))) continue;
    if (!(url.compare(i, 2, "19") == 0 || url.compare(i, 2, "20") == 0)) continue;
    std::string digits;
    size_t j = i;
    while (j < url.size() && digits.size() < 8 && (std::isdigit(static_cast<unsigned char>(url[j])) ||
                                                    ((url[j] == '/' || url[j] == '-') && (digits.size() == 4 || digits.size() == 6))))
      if (std::isdigit(static_cast<unsigned char>(url[j++]))) digits += url[j - 1];
    if (digits.size() != 8 || (j < url.size() && std::isdigit(static_cast<unsigned char>(url[j])))) continue;
    const std::string iso = digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
    if (iso < "1990") continue;
    if (auto t = find_datetime(iso); t && (!fetched_at || *t <= *fetched_at + 86400)) return t;
  }
  return std::nullopt;
}

std::string choose_title(const PageMeta& m, const JsonLdArticle& ld) {
  const std::string og = meta_value(m, {"og:title", "twitter:title"});
  for (const std::string& h : m.h1) {
    if (h.size() < 4) continue;
    if ((!m.title_tag.empty() && m.title_tag.find(h) != std::string::npos) || (!og.empty() && og.find(h) != std::string::npos) ||
        (!ld.headline.empty() && ld.headline == h))
      return h;
  }
  if (!ld.headline.empty()) return ld.headline;
  if (!og.empty()) return og;
  if (m.h1.size() == 1 && m.h1[0].size() >= 12) return m.h1[0];
  // "<headline>_<channel>_<site>": the headline comes first.
  std::string t = m.title_tag;
  for (std::string_view sep : {"_", " | ", " - ", " – ", " — ", "--", "——", "｜", "|"}) {
    const auto at = t.find(sep);
    if (at != std::string::npos && at >= 12) t = trim(t.substr(0, at));
  }
  return t;
}

}  // namespace

struct PageMetadata::Collected {
  PageMeta meta;
  JsonLdArticle ld;
};

PageMetadata::PageMetadata(const HtmlDocument& page) : page_(page) {
  auto c = std::make_unique<Collected>();
  c->meta = collect_meta(page);
  c->ld = parse_json_ld(c->meta.json_ld);
  c_ = std::move(c);
}

PageMetadata::~PageMetadata() = default;

std::string PageMetadata::title() const { return choose_title(c_->meta, c_->ld); }

Byline PageMetadata::byline(std::string_view body, std::string_view url, std::optional<UnixSeconds> fetched_at) const {
  const PageMeta& m = c_->meta;
  const JsonLdArticle& ld = c_->ld;
  Byline a;
  // Full-width digits (２００５年) read as ASCII ones throughout.
  const std::string all_text = ascii_digits(node_text(page_.root()));
  const auto body_at = body.empty() ? std::string::npos : all_text.find(ascii_digits(body.substr(0, std::min<size_t>(body.find('\n'), 60))));
  const std::string_view before_body = std::string_view(all_text).substr(0, body_at == std::string::npos ? all_text.size() : body_at);
  // Yearless dates take their year from the page's modification time (or the fetch time).
  DateReference ref;
  ref.now = fetched_at;
  ref.latest = modified_time(m, ld);
  auto free_date = [&](std::string_view text) { return find_datetime(text, ref); };

  // Publish time, most explicit evidence first.
  if (!ld.date_published.empty()) a.published_at = parse_datetime_value(ld.date_published);
  if (!a.published_at) {
    const std::string v = meta_value(
        m, {"article:published_time", "og:article:published_time", "og:published_time", "published_time", "article.published",
            "pubdate", "publishdate", "publish_date", "publication_date", "publishtime", "publish-time", "pub_date",
            "datepublished", "article:published", "weibo: article:create_at", "dc.date.issued", "dcterms.created",
            "dc.date", "dcterms.date", "sailthru.date", "parsely-pub-date", "og:release_date", "originalpublicationdate",
            "rnews:datepublished", "date", "article:modified_time", "og:updated_time"});
    if (!v.empty()) a.published_at = parse_datetime_value(v);
  }
  for (const std::string& v : m.published_props)
    if (!a.published_at) a.published_at = parse_datetime_value(v);
  if (!a.published_at) a.published_at = date_after_label(before_body, ref);
  if (!a.published_at) a.published_at = date_in_scripts(m.script_text);
  for (const std::string& v : m.time_attrs)
    if (!a.published_at) a.published_at = parse_datetime_value(v);
  if (!a.published_at) a.published_at = date_near_title(before_body, title(), ref);
  for (const std::string& v : m.time_texts)
    if (!a.published_at) a.published_at = parse_datetime_value(v);
  if (!a.published_at) a.published_at = date_after_label(all_text, ref);
  if (!a.published_at) a.published_at = free_date(body.substr(0, 300));
  if (!a.published_at) a.published_at = date_from_url(url, fetched_at);

  a.author = ld.author;
  if (a.author.empty()) {
    a.author = meta_value(m, {"author", "article:author", "dc.creator", "byline", "sailthru.author", "parsely-author"});
    if (a.author.starts_with("http")) a.author.clear();
  }
  if (a.author.empty()) a.author = after_label(before_body, {"作者：", "作者:", "记者：", "记者:", "撰文：", "文／", "文/"});
  if (a.author.empty() && !m.author_props.empty()) a.author = m.author_props.front();
  if (a.author.empty()) a.author = after_label(all_text, {"作者：", "作者:", "记者："});

  a.source_name = after_label(before_body, {"来源：", "来源:", "稿源：", "出处：", "来源 "});
  if (a.source_name.empty()) a.source_name = after_label(all_text, {"来源：", "来源:", "稿源："});
  if (a.source_name.empty()) a.source_name = meta_value(m, {"source", "og:site_name", "application-name"});
  if (a.source_name.empty()) a.source_name = ld.publisher;
  return a;
}

}  // namespace yuqing::crawlers
