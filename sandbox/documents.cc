#include "sandbox/documents.h"

#include <algorithm>
#include <numeric>

namespace yuqing::sandbox {

std::vector<Document> crawled_documents(const SandboxWeb& web, const Origins& origins) {
  const auto& truth = web.documents();
  std::vector<Document> docs(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    const TruthDoc& t = truth[i];
    Document& d = docs[i];
    d.id = web.document_id(t, origins);
    d.kind = doc_kind_from_string(t.kind).value_or(DocKind::article);
    d.url = web.document_url(t, origins);
    d.site = kSiteNames[size_t(t.site)];
    d.title = t.title;
    for (const auto& p : t.paragraphs) {
      if (!d.text.empty()) d.text += "\n";
      d.text += p;
    }
    if (d.text.empty()) d.text = t.title;
    d.author = t.author;
    d.source_name = t.source_name;
    d.published_at = t.published_at;
    d.fetched_at = t.published_at;
    d.charset = "utf-8";
  }
  // Parents first, so that each child's context can be taken from its finished parent.
  for (size_t i = 0; i < truth.size(); ++i) {
    const int parent = truth[i].parent;
    if (parent < 0) continue;
    Document& d = docs[i];
    d.parent_id = docs[size_t(parent)].id;
    Document subject = docs[size_t(parent)];
    if (subject.title.empty() && !truth[size_t(parent)].title.empty()) subject.title = truth[size_t(parent)].title;
    d.context = context_of(subject);
  }
  std::vector<size_t> order(docs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return truth[a].published_at < truth[b].published_at; });
  std::vector<Document> sorted;
  sorted.reserve(docs.size());
  for (size_t i : order) sorted.push_back(std::move(docs[i]));
  return sorted;
}

}  // namespace yuqing::sandbox
