#include "tests/integration/maildir.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "mail/message.h"

namespace yuqing::testing {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

using Headers = std::vector<std::pair<std::string, std::string>>;

// Splits an entity (LF line ends) into unfolded headers and the body.
void split_entity(std::string_view entity, Headers& headers, std::string& body) {
  std::size_t pos = 0;
  while (pos < entity.size()) {
    auto eol = entity.find('\n', pos);
    if (eol == std::string_view::npos) eol = entity.size();
    const std::string_view line = entity.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty()) {
      body = pos <= entity.size() ? std::string(entity.substr(std::min(pos, entity.size()))) : std::string();
      return;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !headers.empty()) {
      headers.back().second += std::string(line);  // unfolding keeps the whitespace
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
      headers.emplace_back(std::string(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
  }
}

std::string find(const Headers& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (lower(k) == lower(name)) return v;
  return {};
}

// "type/sub; a=1; b=\"x;y\"" -> ("type/sub", {a: 1, b: x;y}); parameter names lower case.
std::pair<std::string, std::map<std::string, std::string>> parse_params(std::string_view value) {
  std::vector<std::string> pieces;
  std::string cur;
  bool quoted = false;
  for (char c : value) {
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) {
      pieces.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  pieces.push_back(cur);
  std::map<std::string, std::string> params;
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    const auto eq = pieces[i].find('=');
    if (eq == std::string::npos) continue;
    std::string v = trim(std::string_view(pieces[i]).substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    params[lower(trim(std::string_view(pieces[i]).substr(0, eq)))] = v;
  }
  return {lower(trim(pieces[0])), params};
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// filename*=UTF-8''..., filename*0*=...;filename*1*=..., filename="...", else name= of Content-Type.
std::string filename_of(const std::map<std::string, std::string>& disposition, const std::map<std::string, std::string>& type) {
  std::string extended;
  if (auto it = disposition.find("filename*"); it != disposition.end()) extended = it->second;
  for (int i = 0;; ++i) {
    auto it = disposition.find("filename*" + std::to_string(i) + "*");
    if (it == disposition.end()) it = disposition.find("filename*" + std::to_string(i));
    if (it == disposition.end()) break;
    extended += it->second;
  }
  if (!extended.empty()) {
    const auto q = extended.find("''");
    return percent_decode(q == std::string::npos ? extended : extended.substr(q + 2));
  }
  if (auto it = disposition.find("filename"); it != disposition.end()) return mail::decode_header_words(it->second);
  if (auto it = type.find("name"); it != type.end()) return mail::decode_header_words(it->second);
  return {};
}

void walk(const Headers& headers, const std::string& body, MailMessage& m, bool top) {
  auto [type, type_params] = parse_params(find(headers, "Content-Type"));
  if (type.empty()) type = "text/plain";
  if (top) m.content_type = type;
  if (type.rfind("multipart/", 0) == 0) {
    const std::string delimiter = "--" + type_params["boundary"];
    std::vector<std::string> parts;
    std::string* current = nullptr;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
      if (line == delimiter || line == delimiter + "--") {
        if (line.size() > delimiter.size()) break;
        parts.emplace_back();
        current = &parts.back();
        continue;
      }
      if (current) *current += line + "\n";
    }
    for (std::string& p : parts) {
      if (!p.empty()) p.pop_back();  // the line break before a delimiter belongs to the delimiter
      Headers h;
      std::string b;
      split_entity(p, h, b);
      walk(h, b, m, false);
    }
    return;
  }
  const std::string encoding = lower(find(headers, "Content-Transfer-Encoding"));
  std::string data = encoding == "base64"             ? mail::base64_decode(body)
                     : encoding == "quoted-printable" ? mail::quoted_printable_decode(body)
                                                      : body;
  auto [disposition, disposition_params] = parse_params(find(headers, "Content-Disposition"));
  const std::string filename = filename_of(disposition_params, type_params);
  if (disposition == "attachment" || !filename.empty()) {
    m.attachments.push_back({type, filename, std::move(data)});
  } else if (type == "text/plain" && m.text.empty()) {
    m.text = std::move(data);
  } else if (type == "text/html" && m.html.empty()) {
    m.html = std::move(data);
  }
}

}  // namespace

std::string MailMessage::header(std::string_view name) const { return find(headers, name); }

std::size_t MailMessage::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(), [&](const auto& h) { return lower(h.first) == lower(name); }));
}

std::string MailMessage::subject() const { return mail::decode_header_words(header("Subject")); }

std::string MailMessage::message_id() const {
  std::string id = trim(header("Message-ID"));
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

MailMessage parse_mail(std::string_view raw) {
  std::string text;
  text.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i)
    if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) text += raw[i];
  MailMessage m;
  std::string body;
  split_entity(text, m.headers, body);
  walk(m.headers, body, m, true);
  return m;
}

std::vector<MailMessage> read_maildir(const fs::path& maildir) {
  std::vector<fs::path> files;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(maildir / sub, ec))
      if (d.is_regular_file()) files.push_back(d.path());
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<MailMessage> out;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    MailMessage m = parse_mail(ss.str());
    m.file = f;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace yuqing::testing
