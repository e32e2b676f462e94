// Generation of the sandbox web's documents from a scenario (rendering lives in render.cc).
#include "sandbox/web.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/document.h"
#include "sandbox/phrases.h"

namespace yuqing::sandbox {

namespace {

constexpr UnixSeconds kDay = 86400;
constexpr UnixSeconds kLateAfter = 15 * kDay;
constexpr int kQuirkedTopLevel = 6;  // the oldest six top-level documents of every site carry a quirk
constexpr const char* kQuirks[kQuirkedTopLevel] = {"throttle-429", "unavailable-503", "slow", "broken-html", "huge", "redirect"};
constexpr int kForumGeneral = 2, kForumExposure = 3, kForumReposts = 4;

std::string sentiment_of(const std::string& intent, bool rumour) {
  if (rumour || intent == "complaint") return "negative";
  if (intent == "praise") return "positive";
  return "neutral";
}

std::string ymd(UnixSeconds t, const char* format) {
  const std::string iso = format_iso8601(t);  // 2026-10-05T09:30:00+08:00
  char buf[40];
  std::snprintf(buf, sizeof buf, format, iso.substr(0, 4).c_str(), iso.substr(5, 2).c_str(), iso.substr(8, 2).c_str());
  return buf;
}

}  // namespace

Origins origins_for(const std::string& host, int base_port) {
  Origins o;
  for (size_t k = 0; k < kSiteNames.size(); ++k) o.push_back("http://" + host + ":" + std::to_string(base_port + int(k)));
  return o;
}

class Generator {
 public:
  Generator(SandboxWeb& web, long seed)
      : web_(web), sc_(web.scenario_), rng_(uint64_t(seed)), wording_(uint64_t(seed) ^ 0x776F7264696E67ull), writer_(rng_, wording_) {
    for (const auto& [name, w] : sc_.issues) issue_w_.push_back(w);
    for (const auto& [name, w] : sc_.places) place_w_.push_back(w);
    for (const auto& [name, w] : sc_.intents) intent_w_.push_back(w);
  }

  void run() {
    const int days = sc_.weeks * 7;
    for (int site = 0; site < 5; ++site) {
      for (int day = 0; day < days; ++day) {
        const int n = rng_.poisson(sc_.sites[size_t(site)].per_day * sc_.weekday[size_t(day % 7)]);
        for (int i = 0; i < n; ++i) baseline_item(site, day);
      }
    }
    for (const auto& ev : sc_.events) event_items(ev);
    fill_reposts();
    number_top_level();
    for (int site = 0; site < 5; ++site) add_children(site);
    assign_quirks();
  }

 private:
  UnixSeconds time_on(int day) {
    const size_t hour = rng_.weighted({sc_.hours.begin(), sc_.hours.end()});
    return sc_.start + day * kDay + UnixSeconds(hour) * 3600 + UnixSeconds(rng_.below(3600));
  }

  const std::string& pick_issue() { return sc_.issues[rng_.weighted(issue_w_)].first; }
  const std::string& pick_place() { return sc_.places[rng_.weighted(place_w_)].first; }
  std::string pick_intent(int site) {
    const std::string intent = sc_.intents[rng_.weighted(intent_w_)].first;
    // Citizens write messages to ask, complain, suggest or praise, not to publish news.
    if (site == int(SiteId::board) && intent == "news") return "inquiry";
    return intent;
  }

  int add(TruthDoc d) {
    web_.docs_.push_back(std::move(d));
    return int(web_.docs_.size()) - 1;
  }

  TruthDoc top_level(int site, UnixSeconds when, const std::string& issue, const std::string& place, std::string intent) {
    TruthDoc d;
    d.site = site;
    d.published_at = when;
    d.issue = issue;
    d.place = place;
    d.intent = std::move(intent);
    d.sentiment = sentiment_of(d.intent, false);
    switch (SiteId(site)) {
      case SiteId::portal:
      case SiteId::news:
      case SiteId::api: d.kind = "article"; break;
      case SiteId::board: d.kind = "message"; break;
      case SiteId::forum: d.kind = "post"; break;
    }
    return d;
  }

  // Writes the text of a top-level item from its issue, place and intent.
  void write(TruthDoc& d) {
    const IssueBank& issue = issue_bank(d.issue);
    const PlaceBank& place = place_bank(d.place);
    Text t;
    if (d.site == int(SiteId::board)) {
      t = writer_.message(issue, place, d.intent);
      d.author = writer_.user_name();
    } else if (d.site == int(SiteId::forum)) {
      t = writer_.forum_thread(issue, place, d.intent, d.rumour);
      d.author = writer_.user_name();
      if (rng_.chance(0.4)) d.signature = writer_.signature();
    } else if (d.subtype == "policy") {
      t = writer_.policy_document(issue, 2026, int(web_.docs_.size()));
      d.source_name = "台儿庄区人民政府办公室";
    } else {
      t = writer_.news_article(issue, place, d.intent);
      d.source_name = d.site == int(SiteId::portal) ? issue.dept : writer_.media_name();
    }
    d.title = std::move(t.title);
    d.paragraphs = std::move(t.paragraphs);
  }

  void baseline_item(int site, int day) {
    std::string intent = pick_intent(site);
    // Official sites and newsrooms publish mostly news; user sites speak with every intent.
    if ((site == int(SiteId::portal)) || ((site == int(SiteId::news) || site == int(SiteId::api)) && rng_.chance(0.6)))
      intent = site == int(SiteId::portal) && rng_.chance(0.2) ? "praise" : "news";
    TruthDoc d = top_level(site, time_on(day), pick_issue(), pick_place(), intent);
    if (site == int(SiteId::portal)) {
      const double r = rng_.unit();
      d.subtype = r < 0.7 ? "news" : r < 0.85 ? "policy" : "interpretation";
    }
    if (site == int(SiteId::forum)) d.subtype = std::to_string(d.intent == "complaint" ? kForumExposure : kForumGeneral);
    if (rng_.chance(sc_.sites[size_t(site)].reposts) && site != int(SiteId::portal) && site != int(SiteId::board)) {
      wants_repost_.push_back(add(std::move(d)));  // text comes from the original in fill_reposts()
      return;
    }
    write(d);
    add(std::move(d));
  }

  void event_items(const ScenarioEvent& ev) {
    for (int day = 0; day < ev.days; ++day) {
      const double negative = ev.negative.at(day, ev.days);
      for (int site : ev.sites) {
        const int n = rng_.poisson(ev.per_day.at(day, ev.days));
        for (int i = 0; i < n; ++i) {
          const bool complaint = rng_.chance(negative);
          std::string intent = complaint ? "complaint" : ev.intent;
          if (site == int(SiteId::portal)) intent = ev.intent == "praise" ? "praise" : "news";
          TruthDoc d = top_level(site, time_on(ev.start_day + day), ev.issue, ev.place, intent);
          d.event_id = ev.id;
          if (site == int(SiteId::portal)) d.subtype = "news";
          if (ev.kind == "rumour") {
            d.rumour = true;
            d.intent = "inquiry";
            d.sentiment = complaint ? "negative" : "neutral";
            // On the sites with comments the rumour spreads as comments under recent articles.
            if (site == int(SiteId::news) || site == int(SiteId::api)) {
              if (!has_article_before(site, d.published_at)) continue;
              d.kind = "comment";
              rumour_comments_.push_back(add(std::move(d)));
              continue;
            }
          }
          if (site == int(SiteId::forum)) d.subtype = std::to_string(complaint ? kForumExposure : kForumGeneral);
          write(d);
          if (!ev.terms.empty()) {  // an incident: the title names it (no random draw: other items stay as they were)
            const std::string& term = ev.terms[term_turn_++ % ev.terms.size()];
            d.title = d.place + "发生" + term + "：" + d.title;
            d.paragraphs.insert(d.paragraphs.begin(), "据网友反映，" + d.place + "发生" + term + "，相关部门已赶赴现场。");
          }
          const int index = add(std::move(d));
          if (ev.reposts > 0 && (site == int(SiteId::news) || site == int(SiteId::api)) && rng_.chance(ev.reposts))
            event_reposts_.push_back(index);
          if (ev.answered >= 0) answered_override_[index] = ev.answered;
        }
      }
      if (ev.kind == "rumour" && ev.start_day + day == ev.official_reply_day) {
        TruthDoc d = top_level(int(SiteId::portal), sc_.start + (ev.start_day + day) * kDay + 10 * 3600, ev.issue, ev.place, "news");
        d.subtype = "news";
        d.event_id = ev.id;
        const Text t = writer_.rumour_clarification(issue_bank(ev.issue), place_bank(ev.place));
        d.title = t.title;
        d.paragraphs = t.paragraphs;
        d.source_name = issue_bank(ev.issue).dept;
        const int clarification = add(std::move(d));
        event_reposts_.push_back(clarification);
      }
    }
  }

  bool has_article_before(int site, UnixSeconds when) const {
    return std::any_of(web_.docs_.begin(), web_.docs_.end(),
                       [&](const TruthDoc& d) { return d.site == site && d.kind == "article" && d.published_at < when; });
  }

  // A repost copies an earlier article of another site; the copy's truth points at the original.
  void fill_reposts() {
    std::vector<int> articles;
    for (size_t i = 0; i < web_.docs_.size(); ++i) {
      const auto& d = web_.docs_[i];
      if (d.kind == "article" && d.subtype != "policy" && d.subtype != "interpretation" && d.duplicate_of < 0 && !d.title.empty())
        articles.push_back(int(i));
    }
    std::sort(articles.begin(), articles.end(), [this](int a, int b) { return web_.docs_[size_t(a)].published_at < web_.docs_[size_t(b)].published_at; });
    for (int index : wants_repost_) {
      TruthDoc& d = web_.docs_[size_t(index)];
      std::vector<int> candidates;
      for (int a : articles) {
        const auto& o = web_.docs_[size_t(a)];
        if (o.published_at >= d.published_at) break;
        if (o.site != d.site && o.site != int(SiteId::forum)) candidates.push_back(a);
      }
      if (candidates.empty()) {
        write(d);
        continue;
      }
      copy_from(d, candidates[candidates.size() - 1 - rng_.below(std::min<size_t>(candidates.size(), 20))]);
    }
    for (int original : event_reposts_) {
      const UnixSeconds when = web_.docs_[size_t(original)].published_at + 2 * 3600 + UnixSeconds(rng_.below(20 * 3600));
      if (when >= sc_.end()) continue;
      TruthDoc d = top_level(int(SiteId::forum), when, {}, {}, "news");
      const int index = add(std::move(d));
      copy_from(web_.docs_[size_t(index)], original);
    }
  }

  void copy_from(TruthDoc& d, int original) {
    const TruthDoc& o = web_.docs_[size_t(original)];
    d.duplicate_of = original;
    d.issue = o.issue;
    d.place = o.place;
    d.intent = o.intent;
    d.sentiment = o.sentiment;
    d.event_id = o.event_id;
    d.paragraphs = o.paragraphs;
    const char* from = o.site == int(SiteId::portal) ? "台儿庄区人民政府网" : o.site == int(SiteId::news) ? "台儿庄新闻网" : "鲁南在线";
    if (d.site == int(SiteId::forum)) {
      d.subtype = std::to_string(kForumReposts);
      d.title = "【转帖】" + o.title;
      d.paragraphs.insert(d.paragraphs.begin(), std::string("转自") + from);
      d.author = writer_.user_name();
    } else {
      d.title = o.title;
      d.source_name = from;
    }
  }

  // Orders each site's top-level documents by time and gives them their numbers and paths.
  void number_top_level() {
    std::vector<int> tops[5];
    for (size_t i = 0; i < web_.docs_.size(); ++i)
      if (web_.docs_[i].parent < 0 && web_.docs_[i].kind != "comment") tops[web_.docs_[i].site].push_back(int(i));
    int portal_n[3] = {0, 0, 0};
    for (int site = 0; site < 5; ++site) {
      auto& list = tops[site];
      std::stable_sort(list.begin(), list.end(), [this](int a, int b) { return web_.docs_[size_t(a)].published_at < web_.docs_[size_t(b)].published_at; });
      int n = 0;
      for (int index : list) {
        TruthDoc& d = web_.docs_[size_t(index)];
        char path[96];
        switch (SiteId(site)) {
          case SiteId::portal: {
            if (d.subtype == "interpretation") {
              // A 解读 explains the newest earlier policy document; without one it is plain news.
              if (web_.portal_policies_.empty()) d.subtype = "news";
              else d.related = web_.portal_policies_.back();
            }
            const int kind = d.subtype == "news" ? 0 : d.subtype == "policy" ? 1 : 2;
            d.number = ++portal_n[kind];
            if (kind == 2) {
              const Text t = writer_.policy_interpretation(issue_bank(web_.docs_[size_t(d.related)].issue), web_.docs_[size_t(d.related)].title);
              d.issue = web_.docs_[size_t(d.related)].issue;
              d.title = t.title;
              d.paragraphs = t.paragraphs;
              d.source_name = issue_bank(d.issue).dept;
            }
            static constexpr const char* kDirs[3] = {"news", "zcwj", "zcjd"};
            static constexpr char kLetters[3] = {'a', 'p', 'j'};
            std::snprintf(path, sizeof path, "/portal/%s/%s/%c%05d.html", kDirs[kind], ymd(d.published_at, "%s%s%s").c_str(),
                          kLetters[kind], d.number);
            (kind == 0 ? web_.portal_news_ : kind == 1 ? web_.portal_policies_ : web_.portal_interpretations_).push_back(index);
            break;
          }
          case SiteId::news:
            d.number = 10001 + n;
            std::snprintf(path, sizeof path, "/news/%s/content_%d.htm", ymd(d.published_at, "%s-%s/%s").c_str(), d.number);
            web_.news_articles_.push_back(index);
            break;
          case SiteId::api:
            d.number = 200001 + n;
            std::snprintf(path, sizeof path, "/a/%s/%d.html", ymd(d.published_at, "%s%s%s").c_str(), d.number);
            web_.api_articles_.push_back(index);
            break;
          case SiteId::board:
            d.number = 30001 + n;
            std::snprintf(path, sizeof path, "/lyb/detail_%d.html", d.number);
            web_.board_messages_.push_back(index);
            break;
          case SiteId::forum:
            d.number = 7001 + n;  // the thread id until add_children() gives the first post its pid
            std::snprintf(path, sizeof path, "/thread-%d-1-1.html", d.number);
            web_.forum_boards_[std::stoi(d.subtype)].push_back(index);
            web_.forum_threads_.push_back(index);
            break;
        }
        d.path = path;
        web_.top_by_path_[site][d.path] = index;
        ++n;
      }
    }
  }

  UnixSeconds after(UnixSeconds t, double mean_hours) {
    // Attention decays: most reactions come within hours, a few days later.
    const double u = std::max(rng_.unit(), 1e-9);
    return t + 60 + UnixSeconds(-std::log(u) * mean_hours * 3600);
  }

  const ScenarioEvent* event_of(const TruthDoc& d) const {
    for (const auto& ev : sc_.events)
      if (ev.id == d.event_id) return &ev;
    return nullptr;
  }

  // Intent of a reaction to `parent` at time `when`: in a surge it follows the event's negativity.
  std::string reaction_intent(const TruthDoc& parent, UnixSeconds when, int site) {
    if (const ScenarioEvent* ev = event_of(parent); ev && ev->kind == "surge") {
      const int day = std::clamp(int((when - sc_.start) / kDay) - ev->start_day, 0, ev->days - 1);
      return rng_.chance(ev->negative.at(day, ev->days)) ? "complaint" : ev->intent;
    }
    return pick_intent(site);
  }

  TruthDoc child_of(int parent_index, const char* kind, UnixSeconds when) {
    const TruthDoc& p = web_.docs_[size_t(parent_index)];
    TruthDoc c;
    c.site = p.site;
    c.kind = kind;
    c.parent = parent_index;
    c.published_at = when;
    c.issue = p.issue;
    c.place = p.place;
    c.event_id = p.event_id;
    return c;
  }

  void add_children(int site) {
    const double mean = sc_.sites[size_t(site)].children_mean;
    const UnixSeconds end = sc_.end();
    if (site == int(SiteId::news) || site == int(SiteId::api)) {
      const auto& articles = site == int(SiteId::news) ? web_.news_articles_ : web_.api_articles_;
      std::map<int, std::vector<int>> comments;  // article -> comment docs (unordered)
      for (int a : articles) {
        const TruthDoc p = web_.docs_[size_t(a)];  // a copy: add() below may move the documents
        const ScenarioEvent* ev = event_of(p);
        const int n = rng_.poisson(mean * (ev ? ev->children_factor : 1.0));
        for (int i = 0; i < n; ++i) {
          const UnixSeconds when = after(p.published_at, 10);
          if (when >= end) continue;
          TruthDoc c = child_of(a, "comment", when);
          c.intent = reaction_intent(p, when, site);
          c.sentiment = sentiment_of(c.intent, false);
          c.paragraphs = {writer_.comment(issue_bank(c.issue), place_bank(c.place), c.intent, false)};
          comments[a].push_back(add(std::move(c)));
        }
      }
      // Rumour items on these sites become comments under the newest earlier article.
      for (int r : rumour_comments_) {
        TruthDoc& c = web_.docs_[size_t(r)];
        if (c.site != site) continue;
        auto it = std::upper_bound(articles.begin(), articles.end(), c.published_at,
                                   [this](UnixSeconds t, int a) { return t < web_.docs_[size_t(a)].published_at; });
        const int a = *std::prev(it);
        c.kind = "comment";
        c.parent = a;
        c.paragraphs = {writer_.comment(issue_bank(c.issue), place_bank(c.place), c.intent, true)};
        comments[a].push_back(r);
      }
      int cid = site == int(SiteId::news) ? 500001 : 9000001;
      for (int a : articles) {
        auto& list = comments[a];
        std::stable_sort(list.begin(), list.end(), [this](int x, int y) { return web_.docs_[size_t(x)].published_at < web_.docs_[size_t(y)].published_at; });
        const TruthDoc& p = web_.docs_[size_t(a)];
        for (size_t i = 0; i < list.size(); ++i) {
          TruthDoc& c = web_.docs_[size_t(list[i])];
          c.number = cid++;
          c.author = writer_.user_name();
          c.likes = int(rng_.below(50));
          c.item_key = "comment:" + std::to_string(c.number);
          if (site == int(SiteId::news)) {
            c.path = "/comment/content_" + std::to_string(p.number) + "_" + std::to_string(i / 10 + 1) + ".html";
          } else {
            c.path = p.path;
            if (i > 0 && rng_.chance(0.2)) c.related = list[rng_.below(i)];  // reply_to an earlier comment
          }
        }
        web_.docs_[size_t(a)].children = list;
      }
    } else if (site == int(SiteId::board)) {
      for (int m : web_.board_messages_) {
        TruthDoc& msg = web_.docs_[size_t(m)];
        const auto override_it = answered_override_.find(m);
        const double answered = override_it != answered_override_.end() ? override_it->second : sc_.answered;
        if (!rng_.chance(answered)) continue;
        const bool late = rng_.chance(sc_.late);
        const UnixSeconds delay = late ? kLateAfter + kDay + UnixSeconds(rng_.below(20 * kDay)) : kDay + UnixSeconds(rng_.below(12 * kDay));
        const UnixSeconds when = msg.published_at + delay;
        if (when >= end) continue;  // not answered within the timeline
        TruthDoc r = child_of(m, "reply", when);
        r.intent = "news";
        r.sentiment = "neutral";
        r.path = msg.path;
        r.item_key = "reply:1";
        r.author = issue_bank(msg.issue).dept;
        r.paragraphs = writer_.reply(issue_bank(msg.issue), place_bank(msg.place), msg.intent).paragraphs;
        const int index = add(std::move(r));
        TruthDoc& message = web_.docs_[size_t(m)];
        message.answered = true;
        message.late = late;
        message.children = {index};
      }
    } else if (site == int(SiteId::forum)) {
      int pid = 100001;
      for (auto& [board, threads] : web_.forum_boards_) {
        (void)board;
        for (int t : threads) {
          const TruthDoc first = web_.docs_[size_t(t)];  // a copy: add() below may move the documents
          const ScenarioEvent* ev = event_of(first);
          const int n = rng_.poisson(mean * (ev ? std::max(ev->children_factor, 1.0) : 1.0));
          std::vector<int> posts;
          for (int i = 0; i < n; ++i) {
            const UnixSeconds when = after(first.published_at, 14);
            if (when >= end) continue;
            TruthDoc c = child_of(t, "post", when);
            c.rumour = first.rumour;
            c.intent = first.rumour ? (rng_.chance(0.5) ? "inquiry" : "news") : reaction_intent(first, when, site);
            c.sentiment = sentiment_of(c.intent, first.rumour && c.intent == "inquiry");
            c.paragraphs = {writer_.comment(issue_bank(c.issue), place_bank(c.place), c.intent, first.rumour)};
            c.author = writer_.user_name();
            if (rng_.chance(0.4)) c.signature = writer_.signature();
            posts.push_back(add(std::move(c)));
          }
          std::stable_sort(posts.begin(), posts.end(), [this](int x, int y) { return web_.docs_[size_t(x)].published_at < web_.docs_[size_t(y)].published_at; });
          TruthDoc& head = web_.docs_[size_t(t)];
          const int tid = head.thread = head.number;
          head.number = pid++;
          head.item_key = "post:" + std::to_string(head.number);
          for (size_t i = 0; i < posts.size(); ++i) {
            TruthDoc& c = web_.docs_[size_t(posts[i])];
            c.number = pid++;
            c.item_key = "post:" + std::to_string(c.number);
            c.thread = tid;
            c.path = "/thread-" + std::to_string(tid) + "-" + std::to_string((i + 1) / 10 + 1) + "-1.html";
            c.subtype = web_.docs_[size_t(t)].subtype;
            if (i > 0 && rng_.chance(0.25)) c.related = posts[rng_.below(i)];  // quotes an earlier reply
          }
          web_.docs_[size_t(t)].children = posts;
        }
      }
    }
  }

  void assign_quirks() {
    for (int site = 0; site < 5; ++site) {
      std::vector<int> tops;
      for (const auto& [path, index] : web_.top_by_path_[site]) tops.push_back(index);
      std::stable_sort(tops.begin(), tops.end(), [this](int a, int b) { return web_.docs_[size_t(a)].published_at < web_.docs_[size_t(b)].published_at; });
      for (int i = 0; i < kQuirkedTopLevel && i < int(tops.size()); ++i) {
        TruthDoc& d = web_.docs_[size_t(tops[size_t(i)])];
        d.quirk = kQuirks[i];
        if (d.quirk == "redirect") web_.redirects_[site]["/go/" + std::to_string(d.number) + ".html"] = tops[size_t(i)];
      }
      // A few GBK pages declare the wrong charset, as hand-edited templates do.
      if (site == int(SiteId::news))
        for (size_t i = 10; i < tops.size(); i += 37) web_.docs_[size_t(tops[i])].quirk = "wrong-charset";
    }
  }

  SandboxWeb& web_;
  const Scenario& sc_;
  Rng rng_;
  Rng wording_;  // how texts are worded only (sandbox/phrases.h): the web's structure draws from rng_
  Writer writer_;
  std::vector<double> issue_w_, place_w_, intent_w_;
  std::vector<int> wants_repost_, event_reposts_, rumour_comments_;
  size_t term_turn_ = 0;
  std::map<int, double> answered_override_;
};

SandboxWeb SandboxWeb::generate(const Scenario& scenario, long seed) {
  SandboxWeb web;
  web.scenario_ = scenario;
  Generator(web, seed).run();
  return web;
}

std::string SandboxWeb::document_url(const TruthDoc& d, const Origins& origins) const {
  return origins[size_t(d.site)] + d.path;
}

std::string SandboxWeb::document_id(const TruthDoc& d, const Origins& origins) const {
  return make_document_id(document_url(d, origins), d.item_key);
}

std::string SandboxWeb::truth_jsonl(const Origins& origins) const {
  std::string out;
  auto id_of = [&](int index) { return index < 0 ? nlohmann::json(nullptr) : nlohmann::json(document_id(docs_[size_t(index)], origins)); };
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  for (const auto& d : docs_) {
    nlohmann::ordered_json j = {{"id", document_id(d, origins)},
                                {"url", document_url(d, origins)},
                                {"site", kSiteNames[size_t(d.site)]},
                                {"kind", d.kind},
                                {"parent", id_of(d.parent)},
                                {"published_at", format_iso8601(d.published_at)},
                                {"category", issue_bank(d.issue).category},
                                {"issue", d.issue},
                                {"sentiment", d.sentiment},
                                {"intent", d.intent},
                                {"place", d.place},
                                {"event_id", or_null(d.event_id)},
                                {"duplicate_of", id_of(d.duplicate_of)},
                                {"quirk", or_null(d.quirk)},
                                {"title", or_null(d.title)}};
    if (d.kind == "message") {
      j["answered"] = d.answered;
      j["late"] = d.late;
    }
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace yuqing::sandbox
