#include "crawlers/crawler.h"

#include <spdlog/spdlog.h>

#include <set>

#include "core/shutdown.h"
#include "crawlers/charset.h"
#include "crawlers/extract/article.h"
#include "crawlers/fetcher.h"
#include "crawlers/html.h"
#include "crawlers/url.h"
#include "storage/kafka/kafka.h"

namespace yuqing::crawlers {
namespace {

constexpr int kKafkaAckTimeoutMs = 60000;
constexpr uint64_t kProgressEvery = 100;

class CrawlRun {
 public:
  CrawlRun(const Config& c, kafka::Producer& p, CrawlStats& s) : config_(c), producer_(p), stats_(s), fetcher_(c.crawler) {}

  Status run(const std::vector<Source>& sources) {
    for (const auto& source : sources) {
      for (const auto& seed : source.seeds) {
        hosts_[&source].insert(url_host(seed));
        enqueue(source, *canonical_url(seed));
      }
    }
    fetcher_.run();
    if (!kafka_error_.is_ok()) return kafka_error_;
    for (Status f = producer_.flush(kKafkaAckTimeoutMs); !f; f = producer_.flush(kKafkaAckTimeoutMs)) {
      if (f.kind() != Status::Kind::retry_later || shutdown_requested()) return f;
      spdlog::warn("crawl: waiting for Kafka to acknowledge: {}", f.message());
    }
    return Status::ok();
  }

 private:
  void enqueue(const Source& source, const std::string& url) {
    if (!seen_.insert(url).second) return;
    if (seen_.size() > size_t(config_.crawler.max_pages)) {
      ++stats_.failed["over max_pages"];
      return;
    }
    fetcher_.add({url, {}, {}}, [this, &source, url](FetchResult&& r) { on_page(source, url, std::move(r)); });
  }

  void on_page(const Source& source, const std::string& url, FetchResult&& r) {
    if (shutdown_requested() || !kafka_error_.is_ok()) return;
    if (!r.status) {
      ++stats_.failed[to_string(r.status.kind())];
      spdlog::warn("crawl: {}", r.status.to_string());
      return;
    }
    if (r.http_status < 200 || r.http_status >= 300) {
      ++stats_.failed["http " + std::to_string(r.http_status)];
      spdlog::warn("crawl: {} answered HTTP {}", url, r.http_status);
      return;
    }
    ++stats_.fetched;
    const DecodedText decoded = decode_to_utf8(r.body, r.content_type);
    const HtmlDocument page(decoded.utf8);
    const std::string page_url = canonical_url(r.final_url).value_or(url);

    if (source.is_document(page_url)) {
      produce(source, page_url, page, decoded.charset);
    } else {
      ++stats_.lists;
    }
    for (const auto& link : page.links()) {
      auto target = resolve_url(page_url, link.href);
      if (!target) continue;
      auto canonical = canonical_url(*target);
      if (!canonical || !hosts_[&source].count(url_host(*canonical))) continue;
      if (source.is_list(*canonical) || source.is_document(*canonical)) enqueue(source, *canonical);
    }
    if (stats_.fetched % kProgressEvery == 0)
      spdlog::info("crawl: {} pages fetched, {} documents produced, {} queued or in flight", stats_.fetched,
                   stats_.documents, seen_.size() - stats_.fetched);
  }

  void produce(const Source& source, const std::string& url, const HtmlDocument& page, const std::string& charset) {
    const ExtractedArticle a = extract_article(page, url);
    Document d;
    d.id = make_document_id(url);
    d.kind = source.kind;
    d.url = url;
    d.site = source.name;
    d.title = a.title;
    d.text = a.text;
    d.author = a.author;
    d.source_name = a.source_name;
    d.published_at = a.published_at;
    d.fetched_at = now_seconds();
    d.charset = charset;
    if (Status s = producer_.produce(config_.kafka.raw_topic, d.id, to_json(d)); !s) {
      kafka_error_ = s;
      return;
    }
    ++stats_.documents;
  }

  const Config& config_;
  kafka::Producer& producer_;
  CrawlStats& stats_;
  Fetcher fetcher_;
  std::set<std::string> seen_;
  std::map<const Source*, std::set<std::string>> hosts_;
  Status kafka_error_;
};

}  // namespace

Status run_crawl(const Config& config, const std::vector<Source>& sources, kafka::Producer& producer, CrawlStats& stats) {
  CrawlRun run(config, producer, stats);
  return run.run(sources);
}

}  // namespace yuqing::crawlers
