#include "crawlers/crawler.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "core/gzip.h"
#include "core/shutdown.h"
#include "crawlers/charset.h"
#include "crawlers/comment_api.h"
#include "crawlers/discover.h"
#include "crawlers/extract/article.h"
#include "crawlers/fetcher.h"
#include "crawlers/frontier.h"
#include "crawlers/html.h"
#include "crawlers/politeness.h"
#include "crawlers/url.h"
#include "stream/kafka.h"

namespace yuqing::crawlers {
namespace {

// How much of a refused document its dead letter keeps, tried in turn until Kafka takes the record
// (the rest of it is what made it too large).
constexpr size_t kDeadLetterKeep[] = {64 * 1024, 256, 0};
constexpr const char* kTooLarge = "document too large";

constexpr int kKafkaAckTimeoutMs = 60000;
constexpr int kMaxRedirectHops = 5;
constexpr uint64_t kProgressEvery = 200;

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class CrawlRun {
 public:
  CrawlRun(const Config& c, kafka::Producer& p, CrawlStats& s, const CrawlOptions& o)
      : config_(c), producer_(p), stats_(s), options_(o), fetcher_(c.crawler), gate_(c.crawler) {}

  Status run(const std::vector<Source>& sources) {
    const double start = pass_start_ = wall_now();
    for (const auto& source : sources) {
      auto f = std::make_unique<Frontier>(
          options_.persist ? config_.resolve(config_.crawler.state_dir) / (source.name + ".state") : std::filesystem::path{});
      size_t ignored = 0;
      if (Status s = f->load(&ignored); !s) return s;
      if (ignored) spdlog::warn("crawl: {}: {} unreadable state line(s) ignored", source.name, ignored);
      for (const auto& seed : source.seeds) {
        const std::string url = *canonical_url(seed);
        origins_[&source].insert(url_origin(url));
        UrlState st;
        st.url = url;
        st.role = source.role_of(url).value_or(Role::list);
        st.first_seen = st.anchor = start;
        st.next_due = start;
        f->discover(std::move(st));
      }
      stats_.sources[source.name];
      frontiers_.emplace(&source, std::move(f));
    }
    if (options_.once) {
      size_t due = 0;
      for (const auto& [src, f] : frontiers_)
        for (const auto& [url, st] : f->urls()) due += st.next_due <= start;
      spdlog::info("crawl: {} URL(s) known, {} due now", total_known(), due);
    }
    Status s = loop();
    if (!s) return s;
    return commit(true);
  }

 private:
  size_t total_known() const {
    size_t n = 0;
    for (const auto& [src, f] : frontiers_) n += f->size();
    return n;
  }

  Status loop() {
    double last_commit = wall_now();
    while (!shutdown_requested()) {
      if (!kafka_error_.is_ok()) return kafka_error_;
      const double now = wall_now();
      double wake = now + (options_.once ? 0.2 : 1.0);
      schedule(now, wake);
      const bool busy = fetcher_.pending() > 0;
      if (options_.once && !busy && retrying_.empty() && !any_due(now)) break;
      if (now - last_commit >= options_.commit_interval_s) {
        if (Status s = commit(false); !s) return s;
        last_commit = now;
      }
      if (busy) {
        fetcher_.poll(int(std::clamp((wake - now) * 1000, 1.0, 100.0)));
      } else {
        const double until = std::min(wake, earliest_due());
        if (until > now) std::this_thread::sleep_for(std::chrono::duration<double>(std::min(until - now, 1.0)));
      }
    }
    return Status::ok();
  }

  // In a single pass a URL is fetched once (plus its retries), however short its re-crawl interval.
  bool eligible(const UrlState& s) const {
    return !options_.once || s.last_fetch < pass_start_ || retrying_.count(s.url) > 0;
  }

  bool any_due(double now) const {
    const Frontier::Filter filter = [this](const UrlState& s) { return eligible(s); };
    for (const auto& [src, f] : frontiers_)
      if (f->any_due(now, filter)) return true;
    return false;
  }

  double earliest_due() const {
    double t = kNever;
    for (const auto& [src, f] : frontiers_) t = std::min(t, f->earliest_due());
    return t;
  }

  // Starts every request that is due and allowed now; lowers `wake` to when the next one could start.
  void schedule(double now, double& wake) {
    const Frontier::Filter filter = [this](const UrlState& s) { return eligible(s); };
    for (auto& [source, frontier] : frontiers_) {
      for (const std::string& origin : frontier->origins()) {
        while (fetcher_.has_capacity()) {
          const UrlState* due = frontier->next_due(origin, now, filter);
          if (!due) break;
          const RobotsRules* rules = robots_.find(origin, now);
          if (!rules) {
            if (!robots_.fetching(origin)) fetch_robots(*source, origin);
            break;
          }
          if (auto it = robots_unreachable_.find(origin); it != robots_unreachable_.end()) {
            if (it->second < config_.crawler.max_attempts) {
              wake = std::min(wake, robots_expiry_[origin]);
              break;  // the URLs stay due; robots.txt is asked again when the back-off ends
            }
            UrlState st = frontier->checkout(due->url);
            fail(*source, "robots.txt unreachable");
            retrying_.erase(st.url);
            st.last_fetch = now;
            st.next_due = now + config_.crawler.retry_max_ms / 1000.0;
            frontier->complete(std::move(st));
            continue;
          }
          if (!rules->allowed(config_.crawler.user_agent, due->url)) {
            UrlState st = frontier->checkout(due->url);
            ++stats_.sources[source->name].robots_disallowed;
            retrying_.erase(st.url);
            st.next_due = now + config_.crawler.robots_ttl_s;
            frontier->complete(std::move(st));
            continue;
          }
          const double ready = gate_.ready_at(origin, now);
          if (ready > now) {
            wake = std::min(wake, ready);
            break;
          }
          start(*source, *frontier, frontier->checkout(due->url), origin, now);
        }
      }
    }
  }

  void fetch_robots(const Source& source, const std::string& origin) {
    robots_.mark_fetching(origin);
    FetchRequest req{origin + "/robots.txt", {}, {}, kMaxRedirectHops, source.allow_private};
    fetcher_.add(std::move(req), [this, origin](FetchResult&& r) {
      const double now = wall_now();
      RobotsRules rules = robots_from_fetch(r);
      double expires = now + config_.crawler.robots_ttl_s;
      if (robots_unreachable(r)) {
        // Complete disallow, but only until the host's back-off ends (RFC 9309 §2.3.1.4).
        expires = now + gate_.finished(origin, now, true, parse_retry_after(r.retry_after, UnixSeconds(now)));
        ++robots_unreachable_[origin];
        robots_expiry_[origin] = expires;
        spdlog::warn("crawl: {}/robots.txt unreachable ({}), nothing fetched there for {:.1f} s", origin,
                     r.status ? "HTTP " + std::to_string(r.http_status) : r.status.message(), expires - now);
      } else {
        robots_unreachable_.erase(origin);
      }
      if (auto delay = rules.crawl_delay(config_.crawler.user_agent)) gate_.set_crawl_delay(origin, *delay);
      for (const auto& [src, frontier] : frontiers_) {
        if (!src->robots_sitemaps || !origins_[src].count(origin)) continue;
        for (const auto& sm : rules.sitemaps()) {
          auto abs = resolve_url(origin + "/robots.txt", sm);
          auto url = abs ? canonical_url(*abs) : std::nullopt;
          if (url) add_url(*src, *frontier, *url, Role::sitemap, UrlState{}, now);
        }
      }
      robots_.store(origin, std::move(rules), expires);
    });
  }

  void start(const Source& source, Frontier& frontier, UrlState st, const std::string& origin, double now) {
    gate_.started(origin, now);
    FetchRequest req{st.url, st.etag, st.last_modified, 0, source.allow_private};
    fetcher_.add(std::move(req), [this, &source, &frontier, st = std::move(st), origin](FetchResult&& r) mutable {
      on_fetched(source, frontier, std::move(st), origin, std::move(r));
    });
  }

  // The item set an item page belongs to: by its own URL, else (a page reached by a `next` link
  // whose URL the patterns do not name) by its thread's first page, else the only one there is.
  static const ItemSet* item_set_for(const Source& source, const UrlState& st) {
    if (const ItemSet* set = source.item_pages(st.url)) return set;
    if (const ItemSet* set = st.thread_url.empty() ? nullptr : source.item_pages(st.thread_url)) return set;
    const ItemSet* only = nullptr;
    for (const auto& set : source.items) {
      if (set.on_documents) continue;
      if (only) return nullptr;
      only = &set;
    }
    return only;
  }

  // The next due time after a completed fetch of `st` (see the schedule in crawler.h).
  double next_due(const Source& source, const UrlState& st, double now) const {
    auto decaying = [&](double min_minutes, double days) {
      const double age = now - st.anchor, end = st.anchor + days * 86400;
      if (now >= end) return kNever;
      return std::min(end, now + std::max(min_minutes * 60, age / 2));
    };
    switch (st.role) {
      case Role::list:
      case Role::feed:
      case Role::sitemap:
        return now + source.recrawl_minutes * 60;
      case Role::document:
        for (const auto& set : source.items)
          if (set.on_documents) return decaying(set.recrawl_minutes, set.recrawl_days);
        return kNever;
      case Role::comments:
        if (const ItemSet* set = item_set_for(source, st)) return decaying(set->recrawl_minutes, set->recrawl_days);
        return decaying(60, 7);
      case Role::comment_api:
        return source.comment_api ? decaying(source.comment_api->recrawl_minutes, source.comment_api->recrawl_days)
                                  : kNever;
    }
    return kNever;
  }

  void fail(const Source& source, const std::string& reason) {
    ++stats_.failed[reason];
    ++stats_.sources[source.name].failed[reason];
  }

  void on_fetched(const Source& source, Frontier& frontier, UrlState st, const std::string& origin, FetchResult&& r) {
    const double now = wall_now();
    SourceHealth& health = stats_.sources[source.name];
    const bool transient = is_transient(r.failure);
    const auto retry_after = parse_retry_after(r.retry_after, UnixSeconds(now));
    const double host_wait = gate_.finished(origin, now, transient, retry_after);
    st.last_fetch = now;
    st.last_status = r.status ? r.http_status : 0;
    if (shutdown_requested() || !kafka_error_.is_ok()) {
      frontier.complete(std::move(st));  // unchanged due time: fetched again next run
      return;
    }
    if (transient) {
      const std::string reason = failure_reason(r.failure, r.http_status);
      ++st.attempts;
      if (st.attempts < config_.crawler.max_attempts) {
        ++health.retries;
        retrying_.insert(st.url);
        st.next_due = now + std::max(host_wait, backoff_seconds(st.attempts, config_.crawler.retry_base_ms / 1000.0,
                                                                config_.crawler.retry_max_ms / 1000.0, gate_.random()));
        spdlog::debug("crawl: {}: {} (attempt {}), retry in {:.1f} s", st.url, reason, st.attempts, st.next_due - now);
      } else {
        fail(source, reason);
        retrying_.erase(st.url);
        spdlog::warn("crawl: {}: {} after {} attempts; next try at its next due time", st.url, reason, st.attempts);
        st.attempts = 0;
        st.next_due = std::min(now + config_.crawler.retry_max_ms / 1000.0, next_due(source, st, now));
      }
      frontier.complete(std::move(st));
      return;
    }
    retrying_.erase(st.url);
    st.attempts = 0;
    if (!r.status) {
      fail(source, failure_reason(r.failure, r.http_status));
      spdlog::warn("crawl: {}", r.status.message());
      st.next_due = st.role == Role::document ? kNever : next_due(source, st, now);
      frontier.complete(std::move(st));
      return;
    }
    if (r.http_status >= 300 && r.http_status < 400 && r.http_status != 304) {
      follow_redirect(source, frontier, st, r, now);
      st.next_due = st.role == Role::document ? kNever : next_due(source, st, now);
      frontier.complete(std::move(st));
      return;
    }
    if (r.http_status == 304) {
      ++stats_.not_modified;
      ++health.not_modified;
      st.last_success = health.last_success = now;
      st.next_due = next_due(source, st, now);
      frontier.complete(std::move(st));
      return;
    }
    if (r.failure != FetchFailure::none) {  // a final HTTP error: 4xx but 429
      fail(source, failure_reason(r.failure, r.http_status));
      st.next_due = st.role == Role::document ? kNever : next_due(source, st, now);
      frontier.complete(std::move(st));
      return;
    }
    ++stats_.fetched;
    ++health.fetched;
    st.last_success = health.last_success = now;
    st.etag = r.etag;
    st.last_modified = r.last_modified;
    process(source, frontier, st, r, now);
    st.next_due = next_due(source, st, now);
    frontier.complete(std::move(st));
    if (stats_.fetched % kProgressEvery == 0)
      spdlog::info("crawl: {} pages fetched, {} documents produced, {} URLs known", stats_.fetched, stats_.documents,
                   total_known());
  }

  void follow_redirect(const Source& source, Frontier& frontier, const UrlState& st, const FetchResult& r, double now) {
    auto target = r.redirect_url.empty() ? std::nullopt : canonical_url(r.redirect_url);
    if (!target) {
      fail(source, "redirect without location");
      return;
    }
    if (st.hops + 1 > kMaxRedirectHops) {
      fail(source, "too many redirects");
      return;
    }
    UrlState child;
    child.hops = st.hops + 1;
    child.parent_id = st.parent_id;
    child.parent_context = st.parent_context;
    child.thread_url = st.thread_url;
    child.anchor = st.anchor;
    if (!add_url(source, frontier, *target, source.role_of(*target).value_or(st.role), std::move(child), now)) {
      if (frontier.find(*target) && st.hops > 0) fail(source, "redirect loop");
    }
  }

  // Discovers `url` for the source when it is on one of its origins; false when not added.
  bool add_url(const Source& source, Frontier& frontier, const std::string& url, Role role, UrlState tmpl, double now) {
    if (!origins_[&source].count(url_origin(url))) return false;
    if (frontier.size() >= size_t(config_.crawler.max_pages)) {
      if (!frontier.find(url)) fail(source, "over max_pages");
      return false;
    }
    tmpl.url = url;
    tmpl.role = role;
    tmpl.first_seen = now;
    if (tmpl.anchor == 0) tmpl.anchor = now;
    tmpl.next_due = now;
    return frontier.discover(std::move(tmpl));
  }

  void discover_links(const Source& source, Frontier& frontier, const std::string& page_url, const std::vector<std::string>& hrefs,
                      double now) {
    for (const auto& href : hrefs) {
      auto abs = resolve_url(page_url, href);
      auto url = abs ? canonical_url(*abs) : std::nullopt;
      if (!url) continue;
      auto role = source.role_of(*url);
      // Item pages reached by an entry link belong to a thread; only `entry` and `next` links carry
      // that context, so plain links to them (page numbers of a pager) are left to those.
      if (role == Role::comments && source.item_pages(*url)->entry) continue;
      if (role) add_url(source, frontier, *url, *role, UrlState{}, now);
    }
  }

  void process(const Source& source, Frontier& frontier, UrlState& st, const FetchResult& r, double now) {
    SourceHealth& health = stats_.sources[source.name];
    if (st.role == Role::comment_api) return process_api(source, frontier, st, r, now);
    if (st.role == Role::sitemap && is_gzip(r.body)) {
      // A .xml.gz sitemap is a gzip file, not a Content-Encoding, so curl leaves it compressed.
      auto xml = gunzip(r.body, size_t(config_.crawler.max_body_bytes));
      if (!xml) {
        fail(source, "bad gzip");
        return;
      }
      ++stats_.lists;
      ++health.lists;
      return read_sitemap(source, frontier, st, decode_to_utf8(*xml, "", source.charset).utf8, now);
    }
    const DecodedText decoded = decode_to_utf8(r.body, r.content_type, source.charset);
    if (st.role == Role::feed || st.role == Role::sitemap) {
      ++stats_.lists;
      ++health.lists;
      if (st.role == Role::feed) return discover_links(source, frontier, st.url, feed_links(decoded.utf8), now);
      return read_sitemap(source, frontier, st, decoded.utf8, now);
    }
    const std::string& type = r.content_type;
    if (!type.empty() && type.find("html") == std::string::npos && type.find("xml") == std::string::npos) {
      fail(source, "not html");
      return;
    }
    const HtmlDocument page(decoded.utf8);
    std::vector<std::string> hrefs;
    for (const auto& link : page.links()) hrefs.push_back(link.href);
    if (st.role == Role::list) {
      ++stats_.lists;
      ++health.lists;
    } else if (st.role == Role::document) {
      produce_document(source, frontier, st, page, decoded.charset, now);
    } else if (st.role == Role::comments) {
      if (const ItemSet* set = item_set_for(source, st)) produce_items(source, frontier, *set, st, page, decoded.charset, now);
    }
    discover_links(source, frontier, st.url, hrefs, now);
  }

  void read_sitemap(const Source& source, Frontier& frontier, const UrlState& st, const std::string& xml, double now) {
    const SitemapLinks links = sitemap_links(xml);
    if (!links.is_index) return discover_links(source, frontier, st.url, links.urls, now);
    for (const auto& u : links.urls)
      if (auto url = canonical_url(u)) add_url(source, frontier, *url, Role::sitemap, UrlState{}, now);
  }

  void produce_document(const Source& source, Frontier& frontier, UrlState& st, const HtmlDocument& page,
                        const std::string& charset, double now) {
    ExtractOptions eo;
    eo.fields = source.fields;
    eo.fetched_at = UnixSeconds(now);
    eo.find_comments = false;
    const ExtractedArticle a = extract_article(page, st.url, eo);
    Document d;
    d.id = make_document_id(st.url);
    d.kind = source.kind;
    d.url = st.url;
    d.site = source.name;
    d.title = a.title;
    d.text = a.text;
    d.author = a.author;
    d.source_name = a.source_name;
    d.published_at = a.published_at;
    d.charset = charset;
    produce(source, d);
    for (const auto& set : source.items) {
      if (set.on_documents) {
        UrlState self = st;
        self.parent_id = d.id;
        self.parent_context = context_of(d);
        produce_items(source, frontier, set, self, page, charset, now);
      } else if (set.entry) {
        UrlState child;
        child.parent_id = d.id;
        child.parent_context = context_of(d);
        child.thread_url = st.url;
        child.anchor = st.anchor;
        for (const auto& href : set.entry->extract_all(page.root())) {
          auto abs = resolve_url(st.url, href);
          if (auto url = abs ? canonical_url(*abs) : std::nullopt) add_url(source, frontier, *url, Role::comments, child, now);
        }
      }
    }
    if (source.comment_api) {
      const std::string href = source.comment_api->link.extract(page.root());
      auto abs = href.empty() ? std::nullopt : resolve_url(st.url, href);
      if (auto url = abs ? canonical_url(*abs) : std::nullopt) {
        UrlState child;
        child.parent_id = d.id;
        child.parent_context = context_of(d);
        child.thread_url = st.url;
        child.anchor = st.anchor;
        add_url(source, frontier, *url, Role::comment_api, child, now);
      }
    }
  }

  void produce_items(const Source& source, Frontier& frontier, const ItemSet& set, UrlState& st, const HtmlDocument& page,
                     const std::string& charset, double now) {
    const auto elements = set.item.select_all(page.root());
    // A thread's first page is found by its URL (no thread_url); its first item is the parent
    // of every other item of the thread.
    const bool thread_start = set.parent_first_item && st.thread_url.empty();
    std::string first_id;
    std::string first_context;  // the thread's subject (the page's title if the post has none) and opening
    for (size_t i = 0; i < elements.size(); ++i) {
      Document d;
      d.kind = set.kind;
      d.url = st.url;
      d.site = source.name;
      d.charset = charset;
      ExtractedFields v;
      apply_fields(set.fields, elements[i], set.drop, UnixSeconds(now), v);
      if (v.text.empty()) continue;  // e.g. "暂未答复" placeholders
      d.title = std::move(v.title);
      d.text = std::move(v.text);
      d.author = std::move(v.author);
      d.source_name = std::move(v.source_name);
      d.published_at = v.published_at;
      const std::string key_value = set.key_field ? set.key_field->extract(elements[i]) : std::string();
      d.id = make_document_id(st.url, format_item_key(set.key, key_value, i + 1));
      if (thread_start && first_id.empty()) {
        first_id = d.id;  // the thread's first post: no parent, and the parent of the rest
        Document subject = d;
        if (subject.title.empty()) subject.title = page.title();
        first_context = context_of(subject);
      } else {
        d.parent_id = thread_start ? first_id : st.parent_id;
        d.context = thread_start ? first_context : st.parent_context;
      }
      produce(source, d);
    }
    if (!set.next || set.on_documents || (thread_start && first_id.empty())) return;
    UrlState child;
    child.parent_id = thread_start ? first_id : st.parent_id;
    child.parent_context = thread_start ? first_context : st.parent_context;
    child.thread_url = st.thread_url.empty() ? st.url : st.thread_url;
    child.anchor = st.anchor;
    for (const auto& href : set.next->extract_all(page.root())) {
      auto abs = href.empty() ? std::nullopt : resolve_url(st.url, href);
      // Pagination links are item pages by where they were found, whatever their URL looks like.
      if (auto url = abs ? canonical_url(*abs) : std::nullopt) add_url(source, frontier, *url, Role::comments, child, now);
    }
  }

  void process_api(const Source& source, Frontier& frontier, UrlState& st, const FetchResult& r, double now) {
    const CommentApi& api = *source.comment_api;
    const auto page = read_comment_api(api, r.body, UnixSeconds(now));
    if (!page) {
      fail(source, "bad comment api answer");
      return;
    }
    const std::string thread = st.thread_url.empty() ? st.url : st.thread_url;
    for (const CommentApiItem& item : page->items) {
      Document d = item.document;
      d.url = thread;
      d.site = source.name;
      d.parent_id = st.parent_id;
      d.context = st.parent_context;
      d.charset = "utf-8";
      d.id = make_document_id(thread, item.key);
      produce(source, d);
    }
    const std::string& cursor = page->next_cursor;
    if (cursor.empty()) return;
    UrlState child;
    child.parent_id = st.parent_id;
    child.parent_context = st.parent_context;
    child.thread_url = thread;
    child.anchor = st.anchor;
    child.cursor = cursor;
    if (auto url = canonical_url(set_query_param(st.url, api.cursor_param, cursor)))
      add_url(source, frontier, *url, Role::comment_api, std::move(child), now);
  }

  void produce(const Source& source, Document& d) {
    if (!kafka_error_.is_ok()) return;
    d.fetched_at = now_seconds();
    const std::string value = to_json(d);
    if (Status s = producer_.produce(config_.kafka.raw_topic, d.id, value); !s) {
      if (s.kind() == Status::Kind::reject) return dead_letter(source, d, value, s);
      kafka_error_ = s;
      return;
    }
    SourceHealth& h = stats_.sources[source.name];
    ++stats_.documents;
    ++h.documents;
    h.dated += d.published_at.has_value();
  }

  // One document Kafka refuses (larger than message.max.bytes) must not end the crawl: it goes to
  // the dead-letter topic with as much of its value as fits (kDeadLetterKeep, shortest last: the
  // key and the reason naming the URL always go), and counts as a failure of its source
  // ("document too large") in the metrics and crawl_health.
  void dead_letter(const Source& source, const Document& d, const std::string& value, const Status& why) {
    spdlog::warn("crawl: dead-lettering {} ({} bytes): {}", d.url, value.size(), why.message());
    const Status reason = Status::reject(why.message() + " (" + std::to_string(value.size()) + " bytes, " + d.url + ")");
    Status s;
    for (const size_t keep : kDeadLetterKeep) {
      const stream::Message m{config_.kafka.raw_topic, -1, -1, d.id, value.substr(0, keep)};
      s = producer_.produce(config_.kafka.dead_letter_topic, d.id, stream::dead_letter_record(m, reason, "crawl"));
      if (s.kind() != Status::Kind::reject) break;
    }
    if (!s) {
      kafka_error_ = s;
      return;
    }
    ++stats_.failed[kTooLarge];
    ++stats_.sources[source.name].failed[kTooLarge];
  }

  // Kafka first, then the frontier: a page is durably done only once its documents are acknowledged.
  Status commit(bool final) {
    if (!kafka_error_.is_ok()) return kafka_error_;
    for (Status f = producer_.flush(kKafkaAckTimeoutMs); !f; f = producer_.flush(kKafkaAckTimeoutMs)) {
      if (f.kind() != Status::Kind::retry_later || (shutdown_requested() && !final)) return f;
      spdlog::warn("crawl: waiting for Kafka to acknowledge: {}", f.message());
    }
    for (auto& [src, f] : frontiers_)
      if (Status s = f->commit(); !s) {
        if (s.kind() != Status::Kind::retry_later || final) return s;
        spdlog::warn("crawl: {} — the crawl state stays in memory and is written at the next commit", s.message());
      }
    if (!options_.metrics_file.empty() || options_.publish_metrics) {
      const std::string text = prometheus_metrics(stats_);
      if (!options_.metrics_file.empty()) {
        const std::string tmp = options_.metrics_file + ".tmp";
        std::ofstream(tmp) << text;
        std::error_code ec;
        std::filesystem::rename(tmp, options_.metrics_file, ec);
      }
      if (options_.publish_metrics) options_.publish_metrics(text);
    }
    if (options_.report && (final || wall_now() - last_report_ >= options_.report_interval_s)) {
      options_.report(stats_);
      last_report_ = wall_now();
    }
    return Status::ok();
  }

  const Config& config_;
  kafka::Producer& producer_;
  CrawlStats& stats_;
  const CrawlOptions options_;
  Fetcher fetcher_;
  HostGate gate_;
  RobotsCache robots_;
  std::map<const Source*, std::unique_ptr<Frontier>> frontiers_;
  std::map<const Source*, std::set<std::string>> origins_;
  std::set<std::string> retrying_;
  std::map<std::string, int> robots_unreachable_;  // origin -> consecutive unreachable robots.txt
  std::map<std::string, double> robots_expiry_;
  double pass_start_ = wall_now();
  Status kafka_error_;
  double last_report_ = wall_now();
};

}  // namespace

Status run_crawl(const Config& config, const std::vector<Source>& sources, kafka::Producer& producer, CrawlStats& stats,
                 const CrawlOptions& options) {
  CrawlRun run(config, producer, stats, options);
  return run.run(sources);
}

}  // namespace yuqing::crawlers
