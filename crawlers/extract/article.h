// Article extraction: title, main text, publish time, author, source and comments of a news or
// government page, composed from the generic extractors and the site's field specs:
//
//   metadata.h   headline, publish time, author, source (来源)
//   body.h       the main text (readability-style)
//   comments.h   comments printed in the page
//   fields.h     per-site field specs (a source's `fields:`), which override any of the above
//
// Contract: a pure function of the parsed page, its URL and the options; never throws; fields it
// cannot find are empty (published_at is nullopt). Thread-safe (no shared state).
//
// Order, and why: the headline first (the body drops a first line repeating it), then the body,
// then the byline (labels and dates before the body beat those after it), all generic; the field
// specs are applied last, each only where it yields a value, so the generic extraction never
// sees them and a spec that stops matching degrades to the generic value.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "crawlers/extract/comments.h"
#include "crawlers/extract/fields.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

struct ExtractOptions {
  // The site's field specs (Source::fields); none: everything generic.
  Fields fields;
  // Reference for relative times ("3小时前", "昨天 10:30") and yearless dates; without it relative
  // forms are ignored rather than resolved against the wall clock (re-runs stay reproducible),
  // and yearless ones resolve only against the page's own modification time, if it has one.
  std::optional<UnixSeconds> fetched_at;
  bool find_comments = true;
};

struct ExtractedArticle : ExtractedFields {
  // Comments printed in the page itself (comments.h). May be empty.
  std::vector<ExtractedComment> comments;
};

ExtractedArticle extract_article(const HtmlDocument& page, std::string_view url, const ExtractOptions& options = {});

}  // namespace yuqing::crawlers
