// MIME rendering, read back with the test Maildir reader: subjects round-trip through RFC 2047,
// hostile text never becomes a header, lines stay short, attachments keep their names and types.
#include "mail/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/maildir.h"

namespace yuqing::mail {
namespace {

using ::testing::HasSubstr;

constexpr UnixSeconds kDate = 1796212800;  // 2026-12-02 12:00:00 UTC
const std::string kHostile = "<script>alert(1)</script>\r\nBcc: x@example.com";

Email base() {
  Email e;
  e.from = "yuqing 舆情监测 <yuqing@localhost>";
  e.to = {"jianshe@district.gov.cn"};
  e.subject = "subject";
  e.text = "text body";
  e.message_id = "alert-1@yuqing";
  return e;
}

// Header names of the rendered message, as the receiving side sees them.
std::set<std::string> header_names(const testing::MailMessage& m) {
  std::set<std::string> names;
  for (const auto& [k, v] : m.headers) names.insert(k);
  return names;
}

// Every line ends in CRLF, carries only 7-bit ASCII and, in the header section, fits 76 columns.
void expect_wire_form(const std::string& raw) {
  std::size_t pos = 0;
  bool in_headers = true;
  while (pos < raw.size()) {
    const auto crlf = raw.find("\r\n", pos);
    ASSERT_NE(crlf, std::string::npos) << "unterminated last line";
    const std::string line = raw.substr(pos, crlf - pos);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << "bare CR or LF in: " << line;
    for (unsigned char c : line) EXPECT_LT(c, 0x80) << "8-bit byte in: " << line;
    if (line.empty()) in_headers = false;
    if (in_headers && line.find("name=\"") == std::string::npos) {
      EXPECT_LE(line.size(), 76u) << line;
    }
    EXPECT_LE(line.size(), 998u);
    pos = crlf + 2;
  }
}

struct RenderCase {
  const char* name;
  Email email;
  std::string subject;                       // decoded Subject
  std::string from;                          // decoded From
  std::string content_type;                  // of the message
  std::vector<testing::MailPart> attachments;  // expected, in order
};

std::vector<RenderCase> render_cases() {
  std::vector<RenderCase> cases;
  auto add = [&](const char* name, auto edit, std::string subject, std::string content_type,
                 std::vector<testing::MailPart> attachments = {}, std::string from = "yuqing 舆情监测 <yuqing@localhost>") {
    Email e = base();
    edit(e);
    cases.push_back({name, e, subject, from, content_type, attachments});
  };
  add("ascii subject", [](Email& e) { e.subject = "Weekly report"; }, "Weekly report", "text/plain");
  add("chinese subject", [](Email& e) { e.subject = "关于运河街道老旧小区加装电梯的舆情预警"; },
      "关于运河街道老旧小区加装电梯的舆情预警", "text/plain");
  add("long chinese subject folds into several words",
      [](Email& e) {
        e.subject.clear();
        for (int i = 0; i < 12; ++i) e.subject += "市民反映噪音扰民问题；";
      },
      [] {
        std::string s;
        for (int i = 0; i < 12; ++i) s += "市民反映噪音扰民问题；";
        return s;
      }(),
      "text/plain");
  add("emoji and mixed scripts", [](Email& e) { e.subject = "预警 🚨 alert: 投诉 x3"; }, "预警 🚨 alert: 投诉 x3", "text/plain");
  add("hostile subject adds no header", [](Email& e) { e.subject = kHostile; },
      "<script>alert(1)</script> Bcc: x@example.com", "text/plain");
  add("hostile display name adds no header",
      [](Email& e) { e.from = "<script>alert(1)</script>\r\nBcc: x@example.com <yuqing@localhost>"; }, "subject",
      "text/plain", {}, "<script>alert(1)</script> Bcc: x@example.com <yuqing@localhost>");
  add("empty subject", [](Email& e) { e.subject.clear(); }, "", "text/plain");
  add("html only", [](Email& e) {
        e.text.clear();
        e.html = "<p>正文</p>";
      }, "subject", "text/html");
  add("text and html are alternatives", [](Email& e) { e.html = "<p>" + html_escape(kHostile) + "</p>"; }, "subject",
      "multipart/alternative");
  add("attachment with a chinese name",
      [](Email& e) {
        e.html = "<p>周报</p>";
        e.attachments = {{"舆情周报（第48周）.csv", "text/csv", "日期,数量\n2026-12-01,3\n"}};
      },
      "subject", "multipart/mixed", {{"text/csv", "舆情周报（第48周）.csv", "日期,数量\n2026-12-01,3\n"}});
  add("long attachment name uses RFC 2231 continuations",
      [](Email& e) { e.attachments = {{std::string(40, 'a') + "关于加装电梯问题的答复意见汇总表（2026年第四季度）.xlsx",
                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"}}; },
      "subject", "multipart/mixed",
      {{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        std::string(40, 'a') + "关于加装电梯问题的答复意见汇总表（2026年第四季度）.xlsx", "PK\x03\x04"}});
  add("hostile attachment name and type",
      [](Email& e) { e.attachments = {{"../..\\etc/passwd\r\nBcc: x@example.com", "text/html\r\nBcc: x@example.com", "x"}}; },
      "subject", "multipart/mixed", {{"application/octet-stream", ".._.._etc_passwd Bcc: x@example.com", "x"}});
  add("binary attachment and body with boundary-like lines",
      [](Email& e) {
        e.text = "--=_yuqing_\r\n--\r\n.\r\n";
        e.attachments = {{"a.bin", "application/octet-stream", std::string("\0\xff\r\n.\r\n", 7)},
                         {"b.png", "image/png", "\x89PNG"}};
      },
      "subject", "multipart/mixed",
      {{"application/octet-stream", "a.bin", std::string("\0\xff\r\n.\r\n", 7)}, {"image/png", "b.png", "\x89PNG"}});
  return cases;
}

TEST(RenderMime, TableOfCases) {
  const std::set<std::string> kAllowed = {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                          "Content-Type", "Content-Transfer-Encoding"};
  for (const RenderCase& c : render_cases()) {
    SCOPED_TRACE(c.name);
    const std::string raw = render_mime(c.email, kDate);
    expect_wire_form(raw);
    const testing::MailMessage m = testing::parse_mail(raw);
    for (const std::string& name : header_names(m)) EXPECT_TRUE(kAllowed.count(name)) << "unexpected header " << name;
    for (const char* name : {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"})
      EXPECT_EQ(m.count(name), 1u) << name;
    EXPECT_EQ(m.subject(), c.subject);
    EXPECT_EQ(decode_header_words(m.header("From")), c.from);
    EXPECT_EQ(m.header("To"), "jianshe@district.gov.cn");
    EXPECT_EQ(m.message_id(), "alert-1@yuqing");
    EXPECT_EQ(m.header("Date"), "Wed, 02 Dec 2026 20:00:00 +0800");
    EXPECT_EQ(m.content_type, c.content_type);
    if (c.content_type != "text/html") {
      EXPECT_EQ(m.text, c.email.text);
    }
    EXPECT_EQ(m.html, c.email.html);
    ASSERT_EQ(m.attachments.size(), c.attachments.size());
    for (std::size_t i = 0; i < c.attachments.size(); ++i) {
      EXPECT_EQ(m.attachments[i].content_type, c.attachments[i].content_type);
      EXPECT_EQ(m.attachments[i].filename, c.attachments[i].filename);
      EXPECT_EQ(m.attachments[i].data, c.attachments[i].data);
    }
    EXPECT_EQ(render_mime(c.email, kDate), raw) << "the same Email must render to the same bytes";
  }
}

TEST(RenderMime, SeveralRecipientsAreListedAndFolded) {
  Email e = base();
  e.to = {"a@district.gov.cn", "办公室 <office@district.gov.cn>", "c@district.gov.cn", "d@district.gov.cn",
          "区住房和城乡建设局 老旧小区改造办公室 加装电梯专班 <jianshe-elevator@district.gov.cn>"};
  const std::string raw = render_mime(e, kDate);
  expect_wire_form(raw);
  EXPECT_EQ(decode_header_words(testing::parse_mail(raw).header("To")),
            "a@district.gov.cn, 办公室 <office@district.gov.cn>, c@district.gov.cn, d@district.gov.cn, "
            "区住房和城乡建设局 老旧小区改造办公室 加装电梯专班 <jianshe-elevator@district.gov.cn>");
}

TEST(RenderMime, WithoutAMessageIdOneIsDerivedFromTheContent) {
  Email e = base();
  e.message_id.clear();
  const std::string id = message_id_of(e);
  EXPECT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{32}@localhost"));
  EXPECT_EQ(message_id_of(e), id);
  e.subject += "!";
  EXPECT_NE(message_id_of(e), id);
  EXPECT_EQ(testing::parse_mail(render_mime(e, kDate)).message_id(), message_id_of(e));
}

TEST(EncodeHeaderWords, FoldsIntoWordsOfAtMost75CharactersAndRoundTrips) {
  const std::vector<std::string> texts = {
      "a", "舆", std::string(300, 'x'), "关于加装电梯的信访件" + std::string(100, ' ') + "end",
      "🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨🚨", "=?UTF-8?B?not-a-word?= stays text"};
  for (const std::size_t used : {0u, 9u, 60u, 70u}) {
    for (const std::string& t : texts) {
      SCOPED_TRACE(t + " after " + std::to_string(used));
      const std::string encoded = encode_header_words(t, used);
      std::size_t start = 0, line = 0;
      while (true) {
        const auto end = encoded.find("\r\n", start);
        const std::string l = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        EXPECT_LE((line == 0 ? used : 0) + l.size(), 76u) << l;
        const std::string word = line == 0 ? l : l.substr(1);
        if (!word.empty()) {
          EXPECT_LE(word.size(), 75u);
          EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
        }
        if (end == std::string::npos) break;
        start = end + 2;
        ++line;
      }
      // A value that starts on a continuation line unfolds to a leading space, which header
      // parsers drop along with the space after the colon.
      const std::string decoded = decode_header_words(encoded);
      EXPECT_EQ(decoded.substr(decoded.starts_with(" ") ? 1 : 0), sanitize_header_text(t));
    }
  }
}

TEST(DecodeHeaderWords, TableOfCases) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"=?UTF-8?B?5Lit5paH?=", "中文"},
      {"=?utf-8?b?5Lit5paH?=", "中文"},
      {"=?utf-8?q?a_b=E4=B8=AD?=", "a b中"},
      {"=?UTF-8?B?5Lit?= =?UTF-8?B?5paH?=", "中文"},          // space between words dropped
      {"=?UTF-8?B?5Lit?=\r\n =?UTF-8?B?5paH?=", "中文"},      // and a fold
      {"x =?UTF-8?B?5Lit?= y", "x 中 y"},
      {"plain text", "plain text"},
      {"=?UTF-8?X?unknown?=", "=?UTF-8?X?unknown?="},
      {"", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(decode_header_words(in), out) << in;
}

TEST(SanitizeHeaderText, ControlCharactersBecomeSpaces) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a\r\nb", "a b"},
      {"a\nBcc: x@example.com", "a Bcc: x@example.com"},
      {std::string("\t x \0 y \x7f", 10), "x y"},
      {"next\xc2\x85line", "next line"},             // U+0085 NEL
      {"line\xe2\x80\xa8sep", "line sep"},           // U+2028
      {"bad \xff byte", "bad \xEF\xBF\xBD byte"},   // invalid UTF-8 -> U+FFFD
      {"   ", ""},
      {"正常标题", "正常标题"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(sanitize_header_text(in), out);
}

TEST(Addresses, ValidAddressTable) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"a@b.c", true},
      {"yuqing@localhost", true},
      {"first.last+tag@dept.district.gov.cn", true},
      {"", false},
      {"no-at-sign", false},
      {"@b.c", false},
      {"a@", false},
      {"a@b.c\r\nBcc: x@example.com", false},
      {"a b@c.d", false},
      {".a@b.c", false},
      {"a..b@c.d", false},
      {"a@-b.c", false},
      {"a@b..c", false},
      {"a@b.c>", false},
      {"\"quoted\"@b.c", false},
      {"用户@例子.中国", false},
      {std::string(65, 'a') + "@b.c", false},
  };
  for (const auto& [address, valid] : cases) EXPECT_EQ(valid_address(address), valid) << address;
}

TEST(Addresses, ParseMailboxTable) {
  struct Case {
    std::string in;
    bool ok;
    std::string display, address;
  };
  const std::vector<Case> cases = {
      {"yuqing 舆情监测 <yuqing@localhost>", true, "yuqing 舆情监测", "yuqing@localhost"},
      {"\"Office, 区住建局\" <office@district.gov.cn>", true, "Office, 区住建局", "office@district.gov.cn"},
      {"  plain@district.gov.cn ", true, "", "plain@district.gov.cn"},
      {"<bare@district.gov.cn>", true, "", "bare@district.gov.cn"},
      {"Name\r\nBcc: x@example.com <a@b.c>", true, "Name Bcc: x@example.com", "a@b.c"},
      {"Name <bad>", false, "", ""},
      {"a@b.c\r\nBcc: x@example.com", false, "", ""},
  };
  for (const Case& c : cases) {
    Mailbox m;
    const Status s = parse_mailbox(c.in, m);
    EXPECT_EQ(s.is_ok(), c.ok) << c.in;
    if (c.ok) {
      EXPECT_EQ(m.display, c.display);
      EXPECT_EQ(m.address, c.address);
    } else {
      EXPECT_EQ(s.kind(), Status::Kind::invalid);
      EXPECT_EQ(s.message().find('\n'), std::string::npos) << "the log line must stay one line";
    }
  }
}

TEST(Addresses, ValidateEmailNamesTheBadValue) {
  struct Case {
    const char* name;
    void (*edit)(Email&);
    std::string message;  // substring of the invalid Status; "" = ok
  };
  const std::vector<Case> cases = {
      {"good", [](Email&) {}, ""},
      {"bad recipient", [](Email& e) { e.to.push_back("not an address"); }, "to: not a valid e-mail address: 'not an address'"},
      {"bad sender", [](Email& e) { e.from = "yuqing <yuqing@>"; }, "from: not a valid e-mail address"},
      {"no recipient", [](Email& e) { e.to.clear(); }, "no recipient"},
      {"bad message id", [](Email& e) { e.message_id = "<a b@c>"; }, "not a valid Message-ID"},
      {"message id without a domain takes the sender's", [](Email& e) { e.message_id = "alert-7"; }, ""},
  };
  for (const Case& c : cases) {
    Email e = base();
    c.edit(e);
    const Status s = validate_email(e);
    if (c.message.empty()) {
      EXPECT_TRUE(s.is_ok()) << c.name << ": " << s.to_string();
    } else {
      EXPECT_EQ(s.kind(), Status::Kind::invalid) << c.name;
      EXPECT_THAT(s.message(), HasSubstr(c.message)) << c.name;
    }
  }
  Email e = base();
  e.message_id = "alert-7";
  EXPECT_EQ(message_id_of(e), "alert-7@localhost");
}

TEST(HtmlEscape, TableOfCases) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"a & b", "a &amp; b"},
      {"\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"},
      {"中文", "中文"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(html_escape(in), out);
}

TEST(Base64, RoundTripsEveryLength) {
  std::string data;
  for (int n = 0; n < 70; ++n) {
    EXPECT_EQ(base64_decode(base64_encode(data)), data) << n;
    data += static_cast<char>(n * 37);
  }
  EXPECT_EQ(base64_decode("5Lit\r\n5paH"), "中文");
}

}  // namespace
}  // namespace yuqing::mail
