// The sandbox web: five local sites (docs/SANDBOX.md) whose every document is generated from a
// scenario and a seed, so that crawls, tags and alerts can be checked against exact truth.
//
// Contract
// - generate() is deterministic: the same scenario and seed give the same documents, the same
//   pages byte for byte and the same truth file.
// - A SandboxWeb is immutable after generation; render() and truth_jsonl() are const and safe to
//   call from many threads at once.
// - Time: every document has a simulated publish time on the scenario's timeline. render() shows
//   only what is published at or before `Request::now`, so a caller that advances `now` releases
//   the timeline gradually; with now >= end() everything is visible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/time.h"
#include "sandbox/scenario.h"

namespace yuqing::sandbox {

// What the sandbox knows about one document it serves (the truth file has one line per document).
struct TruthDoc {
  int site = 0;                // SiteId
  std::string kind;            // article | comment | message | reply | post
  std::string path;            // path of the HTML page the item is shown on (its document URL)
  std::string item_key;        // "" for the main item of a page, else "comment:N", "reply:1", "post:N"
  int number = 0;              // the number the site shows in URLs or markup (article, comment, post id)
  int parent = -1;             // index of the parent document
  int duplicate_of = -1;       // index of the document this one reposts
  std::vector<int> children;   // comments, the reply, or a thread's later posts, oldest first
  UnixSeconds published_at = 0;
  std::string issue;           // policy issue from configs/issues.yaml
  std::string place;           // town or street
  std::string sentiment;       // positive | neutral | negative
  std::string intent;          // complaint | inquiry | suggestion | praise | news
  std::string event_id;        // "" when baseline
  std::string quirk;           // "" or the quirk the page carries (docs/SANDBOX.md)
  std::string title;
  std::vector<std::string> paragraphs;
  std::string author;
  std::string source_name;
  // Site-specific details.
  std::string subtype;         // district-portal: news | policy | interpretation; forum: the board id
  int related = -1;            // 政策解读 -> its policy document; forum post -> quoted post; API comment -> reply_to
  int thread = 0;              // forum: the thread id
  bool rumour = false;
  bool answered = false;       // message-board messages
  bool late = false;
  int likes = 0;
  std::string signature;       // forum posts
};

struct Request {
  std::string path;
  std::map<std::string, std::string> query;
  std::string host;            // the Host header, for absolute URLs in sitemap.xml and RSS
  UnixSeconds now = 0;         // simulated time: only documents published by then are shown
};

struct Page {
  int status = 200;
  std::string content_type;
  std::string body;
  UnixSeconds last_modified = 0;  // 0: not stated
  std::string location;           // for redirects
  std::string quirk;              // the quirk the server must apply (throttle, slow...), "" for none
};

// The base URL of each site, indexed by SiteId.
using Origins = std::vector<std::string>;
Origins origins_for(const std::string& host, int base_port);

class SandboxWeb {
 public:
  static SandboxWeb generate(const Scenario& scenario, long seed);

  // The page at `request.path` of site `site`; a 404 page when there is none.
  Page render(int site, const Request& request) const;

  // robots.txt of a site disallows every path that starts with one of these.
  static const std::vector<std::string>& disallowed_prefixes(int site);

  const Scenario& scenario() const { return scenario_; }
  const std::vector<TruthDoc>& documents() const { return docs_; }
  std::string document_url(const TruthDoc& d, const Origins& origins) const;
  std::string document_id(const TruthDoc& d, const Origins& origins) const;
  // One JSON line per document.
  std::string truth_jsonl(const Origins& origins) const;

 private:
  friend class Generator;
  friend class Renderer;

  Scenario scenario_;
  std::vector<TruthDoc> docs_;
  // Top-level documents per site (and per list), oldest first.
  std::vector<int> portal_news_, portal_policies_, portal_interpretations_;
  std::vector<int> news_articles_, api_articles_, board_messages_;
  std::map<int, std::vector<int>> forum_boards_;  // board id -> threads (first posts)
  std::vector<int> forum_threads_;                // first posts, oldest first (thread id = 7001 + position)
  std::map<std::string, int> top_by_path_[5];     // site -> path of a top-level document -> doc
  std::map<std::string, int> redirects_[5];       // site -> /go/N.html -> doc
};

}  // namespace yuqing::sandbox
