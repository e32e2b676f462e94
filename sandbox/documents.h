// The sandbox web's documents as the crawler delivers them (yuqing.raw/1), without a crawl: for the
// alert backtest and for tests that need stored data fast.
//
// Contract
// - Same id, kind, parent, url, site, title, author and publish time as `yuqing sandbox --truth`
//   and a crawl of the served pages; text is the document's paragraphs joined by newlines (the
//   crawler's extraction may differ in whitespace); context is context_of(parent) as the crawler
//   sets it (a forum thread's first post stands for its subject).
// - Order: by publish time, then by position in the web (parents before their children).
// - fetched_at is the publish time (as if crawled the moment it appeared).
#pragma once

#include <vector>

#include "core/document.h"
#include "sandbox/web.h"

namespace yuqing::sandbox {

std::vector<Document> crawled_documents(const SandboxWeb& web, const Origins& origins);

}  // namespace yuqing::sandbox
