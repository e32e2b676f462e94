// Rendering of the sandbox web's pages: one template per site, the shared quirk pages, robots.txt,
// sitemap.xml, RSS and the JSON comment API. docs/SANDBOX.md documents every URL and markup rule
// used here; change them together.
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ustring.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <regex>

#include "core/gzip.h"
#include "core/hash.h"
#include "sandbox/phrases.h"
#include "sandbox/web.h"

namespace yuqing::sandbox {
namespace {

constexpr size_t kListPageSize = 20;
constexpr size_t kCommentPageSize = 10;
constexpr size_t kThreadPageSize = 10;
constexpr size_t kRssItems = 50;
constexpr int kApiDefaultLimit = 20, kApiMaxLimit = 50;

const char* const kHtml = "text/html; charset=utf-8";

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
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

// "2026-10-05 09:30" (minutes) or with seconds.
std::string local_time(UnixSeconds t, bool seconds = false) {
  const std::string iso = format_iso8601(t);
  return iso.substr(0, 10) + " " + iso.substr(11, seconds ? 8 : 5);
}

// UTF-8 -> GBK; characters GBK lacks (emoji) become &#NNNNN; as on real GBK sites.
std::string to_gbk(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t units = 0;
  u_strFromUTF8(nullptr, 0, &units, utf8.data(), int32_t(utf8.size()), &status);
  std::u16string u16(size_t(units), u'\0');
  status = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(u16.data()), units, nullptr, utf8.data(), int32_t(utf8.size()), &status);
  UConverter* conv = ucnv_open("GBK", &status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU has no GBK converter");
  ucnv_setFromUCallBack(conv, UCNV_FROM_U_CALLBACK_ESCAPE, UCNV_ESCAPE_XML_DEC, nullptr, nullptr, &status);
  std::string out(size_t(units) * 8 + 16, '\0');
  const int32_t n = ucnv_fromUChars(conv, out.data(), int32_t(out.size()), reinterpret_cast<const UChar*>(u16.data()), units, &status);
  ucnv_close(conv);
  if (U_FAILURE(status)) throw std::runtime_error("GBK conversion failed");
  out.resize(size_t(n));
  return out;
}

// What hand-written templates and editors leave behind: unclosed paragraphs, stray end tags,
// an unescaped "<" in text and no closing body/html.
std::string break_html(std::string html) {
  for (size_t p = html.find("</p>"); p != std::string::npos; p = html.find("</p>", p)) html.erase(p, 4);
  if (size_t p = html.find("<h1"); p != std::string::npos) html.insert(p, "<div class=\"wrap\"><span></div></span><table><tr><td>");
  if (size_t p = html.rfind("</body></html>"); p != std::string::npos) html.erase(p);
  html += "<p>价格<100元，欢迎咨询 <b>未闭合";
  return html;
}

std::string huge_blob(int kb) {
  std::string blob = "<script type=\"application/json\" id=\"page-data\">[";
  const size_t target = size_t(kb) * 1024;
  for (int i = 0; blob.size() < target; ++i)
    blob += (i ? "," : "") + std::string("{\"k\":") + std::to_string(i) + ",\"v\":\"0123456789abcdefghijklmnopqrstuvwxyz\"}";
  return blob + "]</script>\n";
}

bool visible(const TruthDoc& d, UnixSeconds now) { return !d.path.empty() && d.published_at <= now; }

// The visible prefix of an oldest-first list (publish times ascend, so visibility is a prefix).
size_t visible_count(const std::vector<TruthDoc>& docs, const std::vector<int>& list, UnixSeconds now) {
  size_t n = 0;
  while (n < list.size() && visible(docs[size_t(list[n])], now)) ++n;
  return n;
}

size_t pages_for(size_t items, size_t per_page) { return std::max<size_t>(1, (items + per_page - 1) / per_page); }

Page not_found() { return {404, kHtml, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n", 0, {}, {}}; }
Page html_page(std::string body, UnixSeconds last_modified) { return {200, kHtml, std::move(body), last_modified, {}, {}}; }
Page redirect(int status, const std::string& host, const std::string& path) {
  return {status, kHtml, "<html><body>moved</body></html>\n", 0, "http://" + host + path, {}};
}

}  // namespace

const std::vector<std::string>& SandboxWeb::disallowed_prefixes(int site) {
  static const std::vector<std::string> rules[5] = {{"/portal/admin/", "/portal/search", "/_sandbox/"},
                                                    {"/member/", "/search.php", "/_sandbox/"},
                                                    {"/user/", "/api/internal/", "/_sandbox/"},
                                                    {"/lyb/post", "/lyb/search", "/_sandbox/"},
                                                    {"/home.php", "/search.php", "/member.php", "/_sandbox/"}};
  return rules[site];
}

namespace {

// A news sitemap lists the news of the last two days (Google's rule for news sitemaps).
constexpr UnixSeconds kNewsSitemapWindow = 2 * 86400;

}  // namespace

class Renderer {
 public:
  Renderer(const SandboxWeb& web, int site, const Request& r) : web_(web), docs_(web.docs_), site_(site), r_(r) {}

  Page render() {
    const std::string& path = r_.path;
    if (path == "/robots.txt") return robots();
    if (path.rfind("/go/", 0) == 0) return go();
    if (path.rfind("/files/", 0) == 0 || path.rfind("/portal/files/", 0) == 0) return file();
    for (const auto& prefix : SandboxWeb::disallowed_prefixes(site_))
      if (path.rfind(prefix, 0) == 0) return html_page(shell("登录", "<form><input name=\"user\"><input name=\"password\" type=\"password\"></form>"), 0);
    Page page;
    switch (SiteId(site_)) {
      case SiteId::portal: page = portal(); break;
      case SiteId::news: page = local_news(); break;
      case SiteId::api: page = news_portal(); break;
      case SiteId::board: page = board(); break;
      case SiteId::forum: page = forum(); break;
    }
    return page;
  }

 private:
  const TruthDoc& doc(int i) const { return docs_[size_t(i)]; }
  bool shown(int i) const { return visible(doc(i), r_.now); }

  // A top-level document page with its quirk applied (the server applies the timing quirks).
  Page document_page(int index, std::string html, UnixSeconds last_modified) {
    const TruthDoc& d = doc(index);
    if (d.quirk == "broken-html") html = break_html(std::move(html));
    if (d.quirk == "huge") html.insert(html.rfind("</body>"), huge_blob(web_.scenario_.huge_kb));
    Page p = html_page(std::move(html), last_modified);
    p.quirk = d.quirk;
    return p;
  }

  Page robots() {
    std::string body = "# robots.txt for " + std::string(kSiteNames[size_t(site_)]) + "\nUser-agent: *\n";
    for (const auto& prefix : SandboxWeb::disallowed_prefixes(site_)) body += "Disallow: " + prefix + "\n";
    char delay[32];
    std::snprintf(delay, sizeof delay, "%g", web_.scenario_.crawl_delay);
    body += "Crawl-delay: " + std::string(delay) + "\n";
    if (site_ == int(SiteId::portal))
      body += "\nSitemap: http://" + r_.host + "/sitemap.xml\nSitemap: http://" + r_.host + "/sitemap-news.xml.gz\n";
    return {200, "text/plain; charset=utf-8", body, 0, {}, {}};
  }

  Page go() {
    if (r_.path == "/go/loop-a.html") return redirect(302, r_.host, "/go/loop-b.html");
    if (r_.path == "/go/loop-b.html") return redirect(302, r_.host, "/go/loop-a.html");
    auto it = web_.redirects_[site_].find(r_.path);
    if (it == web_.redirects_[site_].end() || !shown(it->second)) return not_found();
    return redirect(301, r_.host, doc(it->second).path);
  }

  Page file() {
    const bool pdf = r_.path.size() > 4 && r_.path.compare(r_.path.size() - 4, 4, ".pdf") == 0;
    const bool xls = r_.path.size() > 4 && r_.path.compare(r_.path.size() - 4, 4, ".xls") == 0;
    if (!pdf && !xls) return not_found();
    std::string body = pdf ? "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n" : std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    body += std::string(2048, '\0') + (pdf ? "%%EOF\n" : "");
    return {200, pdf ? "application/pdf" : "application/vnd.ms-excel", body, web_.scenario_.start, {}, {}};
  }

  // The box on each site's first list page that links every quirk.
  std::string hot_box() {
    std::string out = "<div class=\"hot\"><h3>热点推荐</h3><ul>\n";
    std::vector<int> quirked;
    for (const auto& [path, index] : web_.top_by_path_[site_])
      if (!doc(index).quirk.empty() && doc(index).quirk != "wrong-charset" && shown(index)) quirked.push_back(index);
    std::sort(quirked.begin(), quirked.end(), [this](int a, int b) { return doc(a).published_at < doc(b).published_at; });
    for (int i : quirked) {
      const TruthDoc& d = doc(i);
      const std::string href = d.quirk == "redirect" ? "/go/" + std::to_string(d.number) + ".html" : d.path;
      out += "<li><a href=\"" + href + "\">" + esc(d.title) + "</a></li>\n";
    }
    out += "<li><a href=\"/go/loop-a.html\">专题：精彩回顾</a></li>\n";
    out += "<li><a href=\"/files/" + std::string(kSiteNames[size_t(site_)]) + "-guide.pdf\">办事指南（PDF）</a></li>\n";
    out += "<li><a href=\"/files/statistics.xls\">统计数据（XLS）</a></li>\n</ul></div>\n";
    return out;
  }

  static std::string pager(size_t page, size_t pages, const std::function<std::string(size_t)>& href, const char* cls,
                           const char* next_class) {
    std::string out = std::string("<div class=\"") + cls + "\">";
    if (page > 1) out += "<a class=\"prev\" href=\"" + href(page - 1) + "\">上一页</a> ";
    for (size_t p = 1; p <= pages; ++p)
      out += p == page ? "<strong>" + std::to_string(p) + "</strong> " : "<a href=\"" + href(p) + "\">" + std::to_string(p) + "</a> ";
    if (page < pages) out += std::string("<a class=\"") + next_class + "\" href=\"" + href(page + 1) + "\">下一页</a>";
    return out + "</div>\n";
  }

  // Page `page` (1-based) of an oldest-first list shown newest first; nullopt past the end.
  std::optional<std::vector<int>> newest_first(const std::vector<int>& list, size_t page, size_t& pages) {
    const size_t n = visible_count(docs_, list, r_.now);
    pages = pages_for(n, kListPageSize);
    if (page < 1 || page > pages) return std::nullopt;
    std::vector<int> out;
    for (size_t k = (page - 1) * kListPageSize; k < std::min(n, page * kListPageSize); ++k) out.push_back(list[n - 1 - k]);
    return out;
  }

  UnixSeconds newest(const std::vector<int>& items) const {
    UnixSeconds t = 0;
    for (int i : items) t = std::max(t, doc(i).published_at);
    return t;
  }

  std::string shell(const std::string& title, const std::string& body) {
    switch (SiteId(site_)) {
      case SiteId::portal:
        return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + esc(title) +
               " - 台儿庄区人民政府</title></head>\n<body><div class=\"header\"><a href=\"/portal/news/index.html\">新闻动态</a> "
               "<a href=\"/portal/zcwj/index.html\">政策文件</a> <a href=\"/portal/zcjd/index.html\">政策解读</a> "
               "<a href=\"/portal/search?q=%E6%94%BF%E7%AD%96\">站内搜索</a> <a href=\"/portal/admin/login.html\">管理登录</a></div>\n" +
               body + "\n<div class=\"footer\"><p>主办：台儿庄区人民政府办公室 鲁ICP备00000000号</p></div></body></html>\n";
      case SiteId::news:
        return "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head><meta http-equiv=\"Content-Type\" "
               "content=\"text/html; charset=gb2312\"><title>" + esc(title) + "_台儿庄新闻网</title></head>\n<body><div id=\"top\">"
               "<a href=\"/news/list.html\">首页</a> <a href=\"/member/login.html\">会员登录</a> <a href=\"/search.php?kw=\">搜索</a></div>\n" +
               body + "\n<div id=\"footer\">台儿庄新闻网 版权所有 未经授权禁止转载</div></body></html>\n";
      case SiteId::api:
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + " | 鲁南在线</title>"
               "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss.xml\"></head>\n<body><nav><a href=\"/news/index.html\">首页</a> "
               "<a href=\"/rss.xml\">RSS</a> <a href=\"/user/login\">登录</a></nav>\n" + body +
               "\n<footer>鲁南在线 © 2026</footer></body></html>\n";
      case SiteId::board:
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + " - 台儿庄区领导留言板</title></head>\n"
               "<body><div class=\"nav\"><a href=\"/lyb/list_1.html\">留言列表</a> <a href=\"/lyb/post.html\">我要留言</a> "
               "<a href=\"/lyb/search.html\">留言查询</a></div>\n" + body + "\n<div class=\"foot\">台儿庄区人民政府 主办</div></body></html>\n";
      case SiteId::forum:
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + " - 台儿庄论坛 - Powered by Discuz!</title></head>\n"
               "<body><div id=\"hd\"><a href=\"/forum.php\">论坛</a> <a href=\"/search.php\">搜索</a> <a href=\"/member.php?mod=register\">注册</a></div>\n" +
               body + "\n<div id=\"ft\">Powered by Discuz! X3.4</div></body></html>\n";
    }
    return body;
  }

  // district-portal ---------------------------------------------------------------------------

  Page portal() {
    static const std::regex list(R"(/portal/(news|zcwj|zcjd)/index(?:_(\d+))?\.html)");
    std::smatch m;
    if (r_.path == "/sitemap.xml") return sitemap();
    if (r_.path == "/sitemap-news.xml.gz") return news_sitemap();
    if (std::regex_match(r_.path, m, list)) {
      const std::string section = m[1];
      const size_t page = m[2].matched ? std::stoul(m[2]) + 1 : 1;
      const auto& items = section == "news" ? web_.portal_news_ : section == "zcwj" ? web_.portal_policies_ : web_.portal_interpretations_;
      size_t pages = 0;
      auto shown_items = newest_first(items, page, pages);
      if (!shown_items || (m[2].matched && m[2] == "0")) return not_found();
      const char* name = section == "news" ? "新闻动态" : section == "zcwj" ? "政策文件" : "政策解读";
      std::string body = "<h2>" + std::string(name) + "</h2>\n";
      if (section == "news" && page == 1) body += hot_box();
      body += "<ul class=\"news-list\">\n";
      for (int i : *shown_items)
        body += "<li><a href=\"" + doc(i).path + "\">" + esc(doc(i).title) + "</a><span class=\"date\">" + local_time(doc(i).published_at).substr(0, 10) + "</span></li>\n";
      body += "</ul>\n" + pager(page, pages, [&](size_t p) { return "/portal/" + section + "/index" + (p == 1 ? "" : "_" + std::to_string(p - 1)) + ".html"; }, "pager", "next");
      return html_page(shell(name, body), newest(*shown_items));
    }
    auto it = web_.top_by_path_[site_].find(r_.path);
    if (it == web_.top_by_path_[site_].end() || !shown(it->second)) return not_found();
    const TruthDoc& d = doc(it->second);
    std::string body;
    if (d.subtype == "policy") {
      const std::string year = local_time(d.published_at).substr(0, 4);
      const UnixSeconds written = d.published_at - 3 * 86400;
      static constexpr const char* kValidity[] = {"有效", "有效", "有效", "失效", "废止"};
      body = "<div class=\"xxgk\"><table class=\"xxgk-meta\">\n<tr><th>索引号</th><td>11370405MB0000000" + std::to_string(d.number) +
             "/2026-" + std::to_string(d.number) + "</td><th>发布机构</th><td>台儿庄区人民政府办公室</td></tr>\n<tr><th>文号</th><td>台政办发〔" + year +
             "〕" + std::to_string(d.number) + "号</td><th>成文日期</th><td>" + local_time(written).substr(0, 10) +
             "</td></tr>\n<tr><th>发布日期</th><td>" + local_time(d.published_at).substr(0, 10) + "</td><th>有效性</th><td>" +
             kValidity[d.number % 5] + "</td></tr>\n</table>\n<h1>" + esc(d.title) + "</h1>\n<div class=\"content\">\n";
      for (const auto& p : d.paragraphs) body += "<p>" + esc(p) + "</p>\n";
      char attachment[64];
      std::snprintf(attachment, sizeof attachment, "/portal/files/p%05d.pdf", d.number);
      body += "</div>\n<div class=\"attachment\">附件：<a href=\"" + std::string(attachment) + "\">" + esc(d.title) + ".pdf</a></div></div>";
    } else {
      body = "<div class=\"article\"><h1>" + esc(d.title) + "</h1>\n<div class=\"info\">发布时间：" + local_time(d.published_at) + " 来源：" +
             esc(d.source_name) + "</div>\n<div class=\"content\">\n";
      for (const auto& p : d.paragraphs) body += "<p>" + esc(p) + "</p>\n";
      body += "</div>";
      if (d.subtype == "interpretation")
        body += "\n<div class=\"related\">相关文件：<a href=\"" + doc(d.related).path + "\">" + esc(doc(d.related).title) + "</a></div>";
      body += "</div>";
    }
    return document_page(it->second, shell(d.title, body), d.published_at);
  }

  Page sitemap() {
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    UnixSeconds last = 0;
    for (const auto* list : {&web_.portal_news_, &web_.portal_policies_, &web_.portal_interpretations_}) {
      for (int i : *list) {
        if (!shown(i)) break;
        body += "<url><loc>http://" + r_.host + doc(i).path + "</loc><lastmod>" + format_iso8601(doc(i).published_at) + "</lastmod></url>\n";
        last = std::max(last, doc(i).published_at);
      }
    }
    return {200, "application/xml; charset=utf-8", body + "</urlset>\n", last, {}, {}};
  }

  // A Google news sitemap of the portal's recent news, gzip-compressed as a static file (served as
  // application/x-gzip, not as a Content-Encoding).
  Page news_sitemap() {
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                       "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n";
    UnixSeconds last = 0;
    for (int i : web_.portal_news_) {
      if (!shown(i)) break;
      if (doc(i).published_at < r_.now - kNewsSitemapWindow) continue;
      body += "<url><loc>http://" + r_.host + doc(i).path + "</loc><news:news><news:publication><news:name>台儿庄区人民政府</news:name>"
              "<news:language>zh</news:language></news:publication><news:publication_date>" + format_iso8601(doc(i).published_at) +
              "</news:publication_date><news:title>" + esc(doc(i).title) + "</news:title></news:news></url>\n";
      last = std::max(last, doc(i).published_at);
    }
    return {200, "application/x-gzip", gzip(body + "</urlset>\n", 9), last, {}, {}};
  }

  // local-news (GBK) --------------------------------------------------------------------------

  Page gbk(Page p, bool wrong_charset = false) {
    if (p.status != 200) return p;
    if (wrong_charset) {
      const size_t at = p.body.find("charset=gb2312");
      if (at != std::string::npos) p.body.replace(at, 14, "charset=utf-8");
    }
    p.body = to_gbk(p.body);
    p.content_type = "text/html";  // the charset is declared only in <meta>
    return p;
  }

  Page local_news() {
    static const std::regex list(R"(/news/list(?:_(\d+))?\.html)");
    static const std::regex comments(R"(/comment/content_(\d+)_(\d+)\.html)");
    std::smatch m;
    if (std::regex_match(r_.path, m, list)) {
      const size_t page = m[1].matched ? std::stoul(m[1]) : 1;
      size_t pages = 0;
      auto items = newest_first(web_.news_articles_, page, pages);
      if (!items || (m[1].matched && page < 2)) return not_found();
      std::string body = page == 1 ? hot_box() : "";
      body += "<div class=\"list\"><ul>\n";
      for (int i : *items)
        body += "<li><span class=\"time\">" + local_time(doc(i).published_at).substr(5, 11) + "</span><a href=\"" + doc(i).path + "\" target=\"_blank\">" +
                esc(doc(i).title) + "</a></li>\n";
      body += "</ul></div>\n" + pager(page, pages, [](size_t p) { return p == 1 ? std::string("/news/list.html") : "/news/list_" + std::to_string(p) + ".html"; }, "pages", "next");
      return gbk(html_page(shell("本地新闻", body), newest(*items)));
    }
    if (std::regex_match(r_.path, m, comments)) {
      const long number = std::stol(m[1]) - 10001;
      const size_t page = std::stoul(m[2]);
      if (number < 0 || size_t(number) >= web_.news_articles_.size() || !shown(web_.news_articles_[size_t(number)])) return not_found();
      const TruthDoc& a = doc(web_.news_articles_[size_t(number)]);
      const size_t n = visible_count(docs_, a.children, r_.now);
      const size_t pages = pages_for(n, kCommentPageSize);
      if (page < 1 || page > pages) return not_found();
      std::string body = "<div class=\"comment-head\"><a href=\"" + a.path + "\">" + esc(a.title) + "</a> 网友评论（" + std::to_string(n) + "）</div>\n<div class=\"comment-list\">\n";
      std::vector<int> items(a.children.begin() + long((page - 1) * kCommentPageSize), a.children.begin() + long(std::min(n, page * kCommentPageSize)));
      for (int i : items) {
        const TruthDoc& c = doc(i);
        body += "<div class=\"comment-item\" id=\"cmt-" + std::to_string(c.number) + "\"><span class=\"user\">" + esc(c.author) +
                "</span><span class=\"ip\">IP属地：山东</span><span class=\"time\">" + local_time(c.published_at, true) + "</span><p class=\"text\">" +
                esc(c.paragraphs[0]) + "</p><span class=\"digg\">顶(" + std::to_string(c.likes) + ")</span></div>\n";
      }
      if (items.empty()) body += "<p class=\"empty\">暂无评论，快来抢沙发吧！</p>\n";
      body += "</div>\n" + pager(page, pages, [&](size_t p) { return "/comment/content_" + std::to_string(a.number) + "_" + std::to_string(p) + ".html"; }, "pages", "next");
      return gbk(html_page(shell("网友评论_" + a.title, body), std::max(a.published_at, newest(items))));
    }
    auto it = web_.top_by_path_[site_].find(r_.path);
    if (it == web_.top_by_path_[site_].end() || !shown(it->second)) return not_found();
    const TruthDoc& d = doc(it->second);
    const size_t n = visible_count(docs_, d.children, r_.now);
    std::string body = "<div class=\"main\"><h1 class=\"title\">" + esc(d.title) + "</h1>\n<div class=\"source\">" + local_time(d.published_at, true) +
                       " 来源：" + esc(d.source_name) + "</div>\n<div class=\"article-content\">\n";
    for (const auto& p : d.paragraphs) body += "<p>　　" + esc(p) + "</p>\n";
    body += "</div>\n<div class=\"editor\">责任编辑：" + esc(d.author.empty() ? "小编" : d.author) + "</div>\n<div class=\"comment-entry\"><a href=\"/comment/content_" +
            std::to_string(d.number) + "_1.html\">网友评论(" + std::to_string(n) + ")</a></div></div>";
    UnixSeconds last = d.published_at;
    if (n) last = std::max(last, doc(d.children[n - 1]).published_at);
    return gbk(document_page(it->second, shell(d.title, body), last), d.quirk == "wrong-charset");
  }

  // news-portal (JSON comments, RSS) ----------------------------------------------------------

  static std::string hex(const std::string& s) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) out += {kDigits[c >> 4], kDigits[c & 15]};
    return out;
  }
  static std::optional<std::string> unhex(const std::string& s) {
    if (s.size() % 2) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < s.size(); i += 2) {
      const int hi = std::isxdigit(s[i]) ? std::stoi(s.substr(i, 1), nullptr, 16) : -1;
      const int lo = std::isxdigit(s[i + 1]) ? std::stoi(s.substr(i + 1, 1), nullptr, 16) : -1;
      if (hi < 0 || lo < 0) return std::nullopt;
      out += char(hi * 16 + lo);
    }
    return out;
  }

  Page api_error(int status, const std::string& message) {
    return {status, "application/json; charset=utf-8", nlohmann::json{{"code", status}, {"message", message}}.dump(), 0, {}, {}};
  }

  Page comments_api() {
    const auto q = [&](const char* k) { auto it = r_.query.find(k); return it == r_.query.end() ? std::string() : it->second; };
    long number = 0;
    try {
      number = std::stol(q("article_id"));
    } catch (const std::exception&) {
      return api_error(400, "article_id required");
    }
    const long index = number - 200001;
    if (index < 0 || size_t(index) >= web_.api_articles_.size() || !shown(web_.api_articles_[size_t(index)])) return api_error(404, "no such article");
    const TruthDoc& a = doc(web_.api_articles_[size_t(index)]);
    int limit = kApiDefaultLimit;
    if (!q("limit").empty()) {
      try {
        limit = std::stoi(q("limit"));
      } catch (const std::exception&) {
        limit = 0;
      }
      if (limit < 1 || limit > kApiMaxLimit) return api_error(400, "limit must be 1-50");
    }
    size_t offset = 0;
    if (!q("cursor").empty()) {
      const auto decoded = unhex(q("cursor"));
      const std::string prefix = "v1:" + std::to_string(number) + ":";
      if (!decoded || decoded->rfind(prefix, 0) != 0) return api_error(400, "bad cursor");
      try {
        offset = std::stoul(decoded->substr(prefix.size()));
      } catch (const std::exception&) {
        return api_error(400, "bad cursor");
      }
    }
    const size_t n = visible_count(docs_, a.children, r_.now);
    if (offset > n) return api_error(400, "bad cursor");
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    UnixSeconds last = a.published_at;
    const size_t end = std::min(n, offset + size_t(limit));
    for (size_t k = offset; k < end; ++k) {
      const TruthDoc& c = doc(a.children[k]);
      list.push_back({{"id", c.number},
                      {"user", c.author},
                      {"content", c.paragraphs[0]},
                      {"created_at", format_iso8601(c.published_at)},
                      {"likes", c.likes},
                      {"reply_to", c.related >= 0 ? nlohmann::ordered_json(doc(c.related).number) : nlohmann::ordered_json(nullptr)},
                      {"ip_location", "山东"}});
      last = std::max(last, c.published_at);
    }
    const bool more = end < n;
    nlohmann::ordered_json data = {{"article_id", number},
                                   {"total", n},
                                   {"comments", list},
                                   {"next_cursor", more ? nlohmann::ordered_json(hex("v1:" + std::to_string(number) + ":" + std::to_string(end))) : nlohmann::ordered_json(nullptr)},
                                   {"has_more", more}};
    return {200, "application/json; charset=utf-8", nlohmann::ordered_json{{"code", 0}, {"data", data}}.dump(), last, {}, {}};
  }

  Page rss() {
    const size_t n = visible_count(docs_, web_.api_articles_, r_.now);
    std::string items;
    UnixSeconds last = 0;
    for (size_t k = 0; k < std::min(n, kRssItems); ++k) {
      const TruthDoc& d = doc(web_.api_articles_[n - 1 - k]);
      const std::string link = "http://" + r_.host + d.path;
      items += "<item><title>" + esc(d.title) + "</title><link>" + link + "</link><guid isPermaLink=\"true\">" + link + "</guid><pubDate>" +
               format_rfc5322(d.published_at) + "</pubDate><description>" + esc(d.paragraphs.empty() ? "" : d.paragraphs[0]) + "</description></item>\n";
      last = std::max(last, d.published_at);
    }
    return {200, "application/rss+xml; charset=utf-8",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>鲁南在线</title><link>http://" + r_.host +
                "/news/index.html</link><description>鲁南在线 最新新闻</description>\n" + items + "</channel></rss>\n",
            last, {}, {}};
  }

  Page news_portal() {
    if (r_.path == "/rss.xml") return rss();
    if (r_.path == "/api/comments") return comments_api();
    if (r_.path == "/news/index.html") {
      size_t page = 1;
      if (auto it = r_.query.find("page"); it != r_.query.end()) {
        try {
          page = std::stoul(it->second);
        } catch (const std::exception&) {
          return not_found();
        }
      }
      size_t pages = 0;
      auto items = newest_first(web_.api_articles_, page, pages);
      if (!items) return not_found();
      std::string body = page == 1 ? hot_box() : "";
      body += "<div class=\"feed\">\n";
      for (int i : *items) {
        const TruthDoc& d = doc(i);
        body += "<div class=\"item\"><h3><a href=\"" + d.path + "\">" + esc(d.title) + "</a></h3><span class=\"time\">" + local_time(d.published_at) +
                "</span><span class=\"cmt\">" + std::to_string(visible_count(docs_, d.children, r_.now)) + "评</span></div>\n";
      }
      body += "</div>\n" + pager(page, pages, [](size_t p) { return p == 1 ? std::string("/news/index.html") : "/news/index.html?page=" + std::to_string(p); }, "pagination", "next");
      return html_page(shell("首页", body), newest(*items));
    }
    auto it = web_.top_by_path_[site_].find(r_.path);
    if (it == web_.top_by_path_[site_].end() || !shown(it->second)) return not_found();
    const TruthDoc& d = doc(it->second);
    const size_t n = visible_count(docs_, d.children, r_.now);
    const std::string id = std::to_string(d.number);
    std::string body = "<article><h1>" + esc(d.title) + "</h1>\n<div class=\"meta\"><span class=\"time\">" + local_time(d.published_at) +
                       "</span><span class=\"source\">" + esc(d.source_name) + "</span></div>\n<div class=\"article-body\">\n";
    for (const auto& p : d.paragraphs) body += "<p>" + esc(p) + "</p>\n";
    body += "</div></article>\n<div id=\"comment-box\" data-article-id=\"" + id + "\" data-api=\"/api/comments?article_id=" + id +
            "&amp;limit=20\" data-total=\"" + std::to_string(n) + "\"></div>\n<script src=\"/static/comments.js\"></script>";
    return document_page(it->second, shell(d.title, body), d.published_at);
  }

  // message-board -----------------------------------------------------------------------------

  Page board() {
    static const std::regex list(R"(/lyb/list_(\d+)\.html)");
    std::smatch m;
    if (std::regex_match(r_.path, m, list)) {
      size_t pages = 0;
      const size_t page = std::stoul(m[1]);
      auto items = newest_first(web_.board_messages_, page, pages);
      if (!items) return not_found();
      std::string body = page == 1 ? hot_box() : "";
      body += "<table class=\"list\">\n<tr><th>标题</th><th>类别</th><th>状态</th><th>留言时间</th></tr>\n";
      UnixSeconds last = newest(*items);
      for (int i : *items) {
        const TruthDoc& d = doc(i);
        const bool replied = !d.children.empty() && shown(d.children[0]);
        if (replied) last = std::max(last, doc(d.children[0]).published_at);
        body += "<tr><td class=\"title\"><a href=\"" + d.path + "\">" + esc(d.title) + "</a></td><td class=\"type\">" + issue_bank(d.issue).category +
                "</td><td class=\"status\">" + (replied ? "已答复" : "未答复") + "</td><td class=\"time\">" + local_time(d.published_at).substr(0, 10) + "</td></tr>\n";
      }
      body += "</table>\n" + pager(page, pages, [](size_t p) { return "/lyb/list_" + std::to_string(p) + ".html"; }, "pager", "next");
      return html_page(shell("留言列表", body), last);
    }
    auto it = web_.top_by_path_[site_].find(r_.path);
    if (it == web_.top_by_path_[site_].end() || !shown(it->second)) return not_found();
    const TruthDoc& d = doc(it->second);
    static const std::map<std::string, std::string> kIntentNames = {
        {"complaint", "投诉"}, {"inquiry", "咨询"}, {"suggestion", "建议"}, {"praise", "表扬"}, {"news", "其他"}};
    std::string body = "<div class=\"message\">\n<h1 class=\"title\">" + esc(d.title) + "</h1>\n<ul class=\"meta\"><li class=\"author\">留言人：" + esc(d.author) +
                       "</li><li class=\"time\">留言时间：" + local_time(d.published_at) + "</li>\n<li class=\"target\">留言对象：" + issue_bank(d.issue).dept +
                       "</li><li class=\"place\">所属地区：" + d.place + "</li>\n<li class=\"type\">留言类别：" + issue_bank(d.issue).category + " · " +
                       kIntentNames.at(d.intent) + "</li></ul>\n<div class=\"content\">\n";
    for (const auto& p : d.paragraphs) body += "<p>" + esc(p) + "</p>\n";
    body += "</div></div>\n";
    UnixSeconds last = d.published_at;
    if (!d.children.empty() && shown(d.children[0])) {
      const TruthDoc& r = doc(d.children[0]);
      body += "<div class=\"reply\"><div class=\"reply-unit\">答复单位：" + esc(r.author) + "</div>\n<div class=\"reply-time\">答复时间：" + local_time(r.published_at) +
              "</div>\n<div class=\"reply-content\">\n";
      for (const auto& p : r.paragraphs) body += "<p>" + esc(p) + "</p>\n";
      body += "</div></div>";
      last = r.published_at;
    } else {
      body += "<div class=\"reply reply-none\">暂未答复（办理中）</div>";
    }
    return document_page(it->second, shell(d.title, body), last);
  }

  // forum -------------------------------------------------------------------------------------

  static std::string board_name(int fid) { return fid == 2 ? "民生杂谈" : fid == 3 ? "曝光台" : "新闻转帖"; }

  // A thread's posts (first post, then replies), of which the first `n` are visible.
  std::vector<int> thread_posts(const TruthDoc& first, size_t& n) {
    std::vector<int> posts;
    posts.push_back(web_.top_by_path_[site_].at(first.path));
    posts.insert(posts.end(), first.children.begin(), first.children.end());
    n = visible_count(docs_, posts, r_.now);
    return posts;
  }

  Page forum() {
    static const std::regex board_re(R"(/forum-(\d+)-(\d+)\.html)");
    static const std::regex thread_re(R"(/thread-(\d+)-(\d+)-1\.html)");
    std::smatch m;
    if (r_.path == "/forum.php") {
      std::string body = hot_box() + "<table class=\"fl\">\n";
      UnixSeconds last = 0;
      for (const auto& [fid, threads] : web_.forum_boards_) {
        const size_t n = std::count_if(threads.begin(), threads.end(), [&](int t) { return shown(t); });
        body += "<tr><td><a href=\"/forum-" + std::to_string(fid) + "-1.html\">" + board_name(fid) + "</a></td><td>主题: " + std::to_string(n) + "</td></tr>\n";
        for (int t : threads)
          if (shown(t)) last = std::max(last, doc(t).published_at);
      }
      return html_page(shell("台儿庄论坛", body + "</table>"), last);
    }
    if (std::regex_match(r_.path, m, board_re)) {
      const int fid = std::stoi(m[1]);
      const size_t page = std::stoul(m[2]);
      auto b = web_.forum_boards_.find(fid);
      if (b == web_.forum_boards_.end()) return not_found();
      // Threads by their last visible post, newest first, as Discuz orders them.
      std::vector<std::pair<UnixSeconds, int>> threads;
      for (int t : b->second) {
        if (!shown(t)) continue;
        size_t n = 0;
        const auto posts = thread_posts(doc(t), n);
        threads.emplace_back(doc(posts[n - 1]).published_at, t);
      }
      std::stable_sort(threads.begin(), threads.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
      const size_t pages = pages_for(threads.size(), kListPageSize);
      if (page < 1 || page > pages) return not_found();
      std::string body = "<h2>" + board_name(fid) + "</h2>\n<table id=\"threadlist\">\n";
      UnixSeconds last = 0;
      for (size_t k = (page - 1) * kListPageSize; k < std::min(threads.size(), page * kListPageSize); ++k) {
        const TruthDoc& t = doc(threads[k].second);
        size_t n = 0;
        thread_posts(t, n);
        last = std::max(last, threads[k].first);
        body += "<tr><th><a class=\"s xst\" href=\"" + t.path + "\">" + esc(t.title) + "</a>";
        const size_t tpages = pages_for(n, kThreadPageSize);
        if (tpages > 1) {
          body += " <span class=\"tps\">";
          for (size_t p = 2; p <= tpages; ++p)
            body += "<a href=\"/thread-" + std::to_string(t.thread) + "-" + std::to_string(p) + "-1.html\">" + std::to_string(p) + "</a> ";
          body += "</span>";
        }
        body += "</th><td class=\"by\"><a href=\"/home.php?mod=space&amp;username=" + esc(t.author) + "\">" + esc(t.author) + "</a></td><td class=\"num\">" +
                std::to_string(n - 1) + "</td><td class=\"by\">" + local_time(threads[k].first) + "</td></tr>\n";
      }
      body += "</table>\n" + pager(page, pages, [&](size_t p) { return "/forum-" + std::to_string(fid) + "-" + std::to_string(p) + ".html"; }, "pg", "nxt");
      return html_page(shell(board_name(fid), body), last);
    }
    if (!std::regex_match(r_.path, m, thread_re)) return not_found();
    const long position = std::stol(m[1]) - 7001;
    const size_t page = std::stoul(m[2]);
    if (position < 0 || size_t(position) >= web_.forum_threads_.size() || !shown(web_.forum_threads_[size_t(position)])) return not_found();
    const int first_index = web_.forum_threads_[size_t(position)];
    const TruthDoc& first = doc(first_index);
    size_t n = 0;
    const auto posts = thread_posts(first, n);
    const size_t pages = pages_for(n, kThreadPageSize);
    if (page < 1 || page > pages) return not_found();
    std::string body = "<div id=\"pt\"><a href=\"/forum.php\">论坛</a> › <a href=\"/forum-" + first.subtype + "-1.html\">" + board_name(std::stoi(first.subtype)) +
                       "</a></div>\n<h1 id=\"thread_subject\">" + esc(first.title) + "</h1>\n<div id=\"postlist\">\n";
    UnixSeconds last = 0;
    for (size_t k = (page - 1) * kThreadPageSize; k < std::min(n, page * kThreadPageSize); ++k) {
      const TruthDoc& p = doc(posts[k]);
      last = std::max(last, p.published_at);
      body += "<div class=\"post\" id=\"post_" + std::to_string(p.number) + "\"><div class=\"author\"><a href=\"/home.php?mod=space&amp;username=" + esc(p.author) + "\">" +
              esc(p.author) + "</a></div><em class=\"floor\">" + (k == 0 ? std::string("楼主") : std::to_string(k + 1) + "楼") + "</em>\n<span class=\"time\">发表于 " +
              local_time(p.published_at) + "</span>\n<div class=\"message\">";
      if (p.related >= 0 && k > 0) {
        const TruthDoc& q = doc(p.related);
        body += "<blockquote class=\"quote\">引用 " + esc(q.author) + " 发表于 " + local_time(q.published_at) + "<br>" + esc(q.paragraphs[0]) + "</blockquote>";
      }
      for (size_t i = 0; i < p.paragraphs.size(); ++i) body += (i ? "<br>\n" : "") + esc(p.paragraphs[i]);
      body += "</div>\n";
      if (!p.signature.empty()) body += "<div class=\"sign\">" + esc(p.signature) + "</div>\n";
      body += "</div>\n";
      if (k % 4 == 1) body += "<div class=\"ad\">" + esc(ad_for(p.number)) + "</div>\n";
    }
    body += "</div>\n" + pager(page, pages, [&](size_t p) { return "/thread-" + std::to_string(first.thread) + "-" + std::to_string(p) + "-1.html"; }, "pg", "nxt");
    if (page == 1) return document_page(first_index, shell(first.title, body), last);
    return html_page(shell(first.title, body), last);
  }

  static std::string ad_for(int number) {
    static const char* const kAds[] = {"【广告】台儿庄古城旅游年卡限时优惠，详询客服", "【推广】本地家政保洁上门服务，电话预约立减20元",
                                       "【广告】驾校暑期班火热报名中", "【推广】新楼盘样板间开放，首付低至五万"};
    return kAds[size_t(number) % std::size(kAds)];
  }

  const SandboxWeb& web_;
  const std::vector<TruthDoc>& docs_;
  int site_;
  const Request& r_;
};

Page SandboxWeb::render(int site, const Request& request) const {
  if (site < 0 || site >= int(kSiteNames.size())) return not_found();
  return Renderer(*this, site, request).render();
}

}  // namespace yuqing::sandbox
