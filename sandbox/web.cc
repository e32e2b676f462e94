#include "sandbox/web.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <random>

#include "core/document.h"

namespace yuqing::sandbox {
namespace {

constexpr int kPerListPage = 10;
// The simulated timeline starts on Monday 2026-10-05 00:00 China time and spans six weeks.
constexpr UnixSeconds kTimelineStart = 1759593600;
constexpr UnixSeconds kTimelineSpan = 6 * 7 * 86400;

struct Topic {
  const char* issue;
  const char* subject;  // what the article is about, used in titles and text
  const char* detail;
};

constexpr Topic kTopics[] = {
    {"老旧小区与棚户区改造", "老旧小区改造", "外墙保温、雨污管网和加装电梯"},
    {"乡村振兴与涉农补贴", "涉农补贴发放", "耕地地力保护补贴和种粮补贴"},
    {"营商环境与政务服务", "政务服务“一件事”改革", "企业开办和不动产登记一次办好"},
    {"疫情防控", "疫情防控工作", "重点场所防控和疫苗接种"},
    {"教育", "义务教育招生", "学区划分和入学报名"},
    {"养老服务", "居家养老服务", "日间照料中心和老年助餐"},
    {"社会救助", "低保和临时救助", "困难群众救助资金发放"},
    {"就业创业", "就业创业扶持", "创业担保贷款和技能培训"},
};

constexpr const char* kPlaces[] = {"运河街道", "邳庄镇", "张山子镇", "泥沟镇", "涧头集镇", "马兰屯镇"};

struct Tone {
  const char* sentiment;
  const char* intent;
  const char* title_pattern;  // %1$s place, %2$s subject
  const char* opening;
};

constexpr Tone kTones[] = {
    {"neutral", "news", "%s召开%s工作推进会", "近日，%s召开专题会议，部署%s相关工作。"},
    {"positive", "praise", "%s%s取得阶段性成效 群众点赞", "记者从%s获悉，%s推进顺利，居民纷纷表示满意。"},
    {"negative", "complaint", "%s居民反映%s进展迟缓", "近期，%s多名居民反映，%s迟迟没有完成，给生活带来不便。"},
    {"neutral", "inquiry", "%s就%s相关问题答群众问", "针对群众关心的问题，%s对%s有关政策进行了解答。"},
};

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format(const char* pattern, const char* a, const char* b) {
  char buf[512];
  std::snprintf(buf, sizeof buf, pattern, a, b);
  return buf;
}

std::string page_shell(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
         " - 台儿庄区人民政府</title></head>\n<body><div class=\"header\"><a href=\"/portal/news/index.html\">首页</a> "
         "<a href=\"/portal/news/index.html\">新闻动态</a></div>\n" +
         body + "\n<div class=\"footer\"><p>版权所有：台儿庄区人民政府办公室</p></div></body></html>\n";
}

std::string list_path(int page) {
  return page == 0 ? "/portal/news/index.html" : "/portal/news/index_" + std::to_string(page) + ".html";
}

}  // namespace

SandboxWeb SandboxWeb::generate(const SandboxOptions& options) {
  SandboxWeb web;
  std::mt19937_64 rng(uint64_t(options.seed));
  auto pick = [&rng](size_t n) { return size_t(rng() % n); };

  for (int i = 0; i < options.articles; ++i) {
    const Topic& topic = kTopics[pick(std::size(kTopics))];
    const char* place = kPlaces[pick(std::size(kPlaces))];
    const Tone& tone = kTones[pick(std::size(kTones))];
    TruthDoc d;
    d.published_at = kTimelineStart + UnixSeconds(rng() % uint64_t(kTimelineSpan)) / 60 * 60;
    const std::string date = format_iso8601(d.published_at);  // "2026-10-05T09:30:00+08:00"
    char path[64];
    std::snprintf(path, sizeof path, "/portal/news/%c%c%c%c%c%c%c%c/a%05d.html", date[0], date[1], date[2], date[3],
                  date[5], date[6], date[8], date[9], i);
    d.path = path;
    d.site = "district-portal";
    d.kind = "article";
    d.issue = topic.issue;
    d.place = place;
    d.sentiment = tone.sentiment;
    d.intent = tone.intent;
    d.title = format(tone.title_pattern, place, topic.subject);
    d.paragraphs = {
        format(tone.opening, place, topic.subject),
        std::string("此次工作重点涉及") + topic.detail + "等方面，相关部门将按照年度计划有序推进。",
        std::string(place) + "有关负责人表示，将认真听取群众意见建议，及时公开进展情况，接受社会监督。",
    };
    web.docs_.push_back(std::move(d));
  }

  const int list_pages = (options.articles + kPerListPage - 1) / kPerListPage;
  for (int p = 0; p < list_pages; ++p) {
    std::string items = "<ul class=\"news-list\">\n";
    for (int i = p * kPerListPage; i < std::min(options.articles, (p + 1) * kPerListPage); ++i) {
      const TruthDoc& d = web.docs_[size_t(i)];
      items += "<li><a href=\"" + d.path + "\">" + html_escape(d.title) + "</a><span>" +
               format_iso8601(d.published_at).substr(0, 10) + "</span></li>\n";
    }
    items += "</ul>\n<div class=\"pager\">";
    if (p > 0) items += "<a href=\"" + list_path(p - 1) + "\">上一页</a> ";
    if (p + 1 < list_pages) items += "<a href=\"" + list_path(p + 1) + "\">下一页</a>";
    items += "</div>";
    web.pages_[list_path(p)] = {200, "text/html; charset=utf-8", page_shell("新闻动态", items)};
  }
  for (const auto& d : web.docs_) {
    const std::string when = format_iso8601(d.published_at);
    std::string body = "<div class=\"article\"><h1>" + html_escape(d.title) + "</h1>\n<div class=\"info\">发布时间：" +
                       when.substr(0, 10) + " " + when.substr(11, 5) + " 来源：台儿庄区人民政府办公室</div>\n<div class=\"content\">\n";
    for (const auto& p : d.paragraphs) body += "<p>" + html_escape(p) + "</p>\n";
    body += "</div></div>";
    web.pages_[d.path] = {200, "text/html; charset=utf-8", page_shell(d.title, body)};
  }
  web.pages_["/robots.txt"] = {200, "text/plain", "User-agent: *\nDisallow: /portal/admin/\n"};
  return web;
}

std::optional<Page> SandboxWeb::page(const std::string& path) const {
  auto it = pages_.find(path);
  if (it == pages_.end()) return std::nullopt;
  return it->second;
}

std::string SandboxWeb::truth_jsonl(const std::string& base_url) const {
  std::string out;
  for (const auto& d : docs_) {
    const std::string url = base_url + d.path;
    nlohmann::json j = {{"id", make_document_id(url)},
                        {"url", url},
                        {"site", d.site},
                        {"kind", d.kind},
                        {"parent", d.parent_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(base_url + d.parent_path)},
                        {"published_at", format_iso8601(d.published_at)},
                        {"issue", d.issue},
                        {"sentiment", d.sentiment},
                        {"intent", d.intent},
                        {"place", d.place},
                        {"event_id", nullptr},
                        {"duplicate_of", nullptr}};
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace yuqing::sandbox
