#include "crawlers/discover.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>

namespace yuqing::crawlers {
namespace {

bool ieq_prefix(std::string_view text, size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  return true;
}

// Next start tag named `name` (case-insensitive, namespace prefix allowed) at or after `from`.
// Returns the position of '<' or npos; `tag_end` gets the position after '>'.
size_t find_tag(std::string_view xml, std::string_view name, size_t from, size_t& tag_end) {
  for (size_t p = xml.find('<', from); p != std::string_view::npos; p = xml.find('<', p + 1)) {
    size_t n = p + 1;
    if (n < xml.size() && (xml[n] == '/' || xml[n] == '!' || xml[n] == '?')) continue;
    size_t colon = n;
    while (colon < xml.size() && (std::isalnum(static_cast<unsigned char>(xml[colon])) || xml[colon] == '-')) ++colon;
    if (colon < xml.size() && xml[colon] == ':') n = colon + 1;  // "news:news", "atom:link"
    if (!ieq_prefix(xml, n, name)) continue;
    const size_t after = n + name.size();
    if (after < xml.size() && (std::isalnum(static_cast<unsigned char>(xml[after])) || xml[after] == '-' || xml[after] == ':'))
      continue;
    const size_t close = xml.find('>', after);
    if (close == std::string_view::npos) return std::string_view::npos;
    tag_end = close + 1;
    return p;
  }
  return std::string_view::npos;
}

std::string_view element_body(std::string_view xml, std::string_view name, size_t open_end, size_t& body_end) {
  if (open_end >= 2 && xml[open_end - 2] == '/') {  // <link ... />
    body_end = open_end;
    return {};
  }
  for (size_t p = xml.find("</", open_end); p != std::string_view::npos; p = xml.find("</", p + 2)) {
    size_t n = p + 2;
    size_t colon = n;
    while (colon < xml.size() && (std::isalnum(static_cast<unsigned char>(xml[colon])) || xml[colon] == '-')) ++colon;
    if (colon < xml.size() && xml[colon] == ':') n = colon + 1;
    if (ieq_prefix(xml, n, name)) {
      body_end = xml.find('>', n);
      body_end = body_end == std::string_view::npos ? xml.size() : body_end + 1;
      return xml.substr(open_end, p - open_end);
    }
  }
  body_end = xml.size();
  return xml.substr(open_end);
}

std::string attr(std::string_view tag, std::string_view name) {
  for (size_t p = 0; (p = tag.find(name, p)) != std::string_view::npos; p += name.size()) {
    if (p == 0 || !std::isspace(static_cast<unsigned char>(tag[p - 1]))) continue;
    size_t q = p + name.size();
    while (q < tag.size() && std::isspace(static_cast<unsigned char>(tag[q]))) ++q;
    if (q >= tag.size() || tag[q] != '=') continue;
    ++q;
    while (q < tag.size() && std::isspace(static_cast<unsigned char>(tag[q]))) ++q;
    if (q >= tag.size()) return {};
    const char quote = tag[q];
    if (quote != '"' && quote != '\'') continue;
    const size_t end = tag.find(quote, q + 1);
    return xml_text(tag.substr(q + 1, end == std::string_view::npos ? std::string_view::npos : end - q - 1));
  }
  return {};
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | cp >> 6);
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | cp >> 12);
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | cp >> 18);
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string xml_text(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.substr(0, 9) == "<![CDATA[") {
    raw.remove_prefix(9);
    const size_t end = raw.find("]]>");
    std::string out(raw.substr(0, end));
    return out;
  }
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    const size_t semi = raw.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view ent = raw.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (!ent.empty() && ent[0] == '#') {
      const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      append_utf8(out, uint32_t(std::strtoul(std::string(ent.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10)));
    } else {
      out += raw.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

std::vector<std::string> feed_links(std::string_view xml) {
  std::vector<std::string> out;
  size_t end = 0;
  for (std::string_view container : {"item", "entry"}) {
    for (size_t p = find_tag(xml, container, 0, end); p != std::string_view::npos; p = find_tag(xml, container, end, end)) {
      size_t body_end = 0;
      const std::string_view body = element_body(xml, container, end, body_end);
      std::string link;
      size_t tag_end = 0;
      for (size_t l = find_tag(body, "link", 0, tag_end); l != std::string_view::npos && link.empty();
           l = find_tag(body, "link", tag_end, tag_end)) {
        const std::string_view tag = body.substr(l, tag_end - l);
        const std::string rel = attr(tag, "rel");
        if (const std::string href = attr(tag, "href"); !href.empty()) {
          if (rel.empty() || rel == "alternate") link = href;
        } else {
          size_t link_end = 0;
          link = xml_text(element_body(body, "link", tag_end, link_end));
        }
      }
      if (link.empty()) {
        if (size_t g = find_tag(body, "guid", 0, tag_end); g != std::string_view::npos) {
          const std::string_view tag = body.substr(g, tag_end - g);
          size_t guid_end = 0;
          const std::string guid = xml_text(element_body(body, "guid", tag_end, guid_end));
          if (attr(tag, "isPermaLink") != "false" && guid.rfind("http", 0) == 0) link = guid;
        }
      }
      if (!link.empty()) out.push_back(link);
      end = body_end;
    }
  }
  return out;
}

SitemapLinks sitemap_links(std::string_view xml) {
  SitemapLinks out;
  size_t end = 0;
  out.is_index = find_tag(xml, "sitemapindex", 0, end) != std::string_view::npos;
  const std::string_view container = out.is_index ? "sitemap" : "url";
  for (size_t p = find_tag(xml, container, 0, end); p != std::string_view::npos; p = find_tag(xml, container, end, end)) {
    size_t body_end = 0;
    const std::string_view body = element_body(xml, container, end, body_end);
    size_t loc_end = 0;
    if (find_tag(body, "loc", 0, loc_end) != std::string_view::npos) {
      size_t text_end = 0;
      if (std::string loc = xml_text(element_body(body, "loc", loc_end, text_end)); !loc.empty()) out.urls.push_back(loc);
    }
    end = body_end;
  }
  return out;
}

}  // namespace yuqing::crawlers
