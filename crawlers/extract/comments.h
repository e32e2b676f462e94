// Comments printed in an article page itself, found without per-site rules.
//
// Contract: a pure function of the parsed page and the fetch time; never throws; may return an
// empty list (most pages load their comments by script, which is never run). Thread-safe.
//
// How: the first elements whose class/id names comments (comment, reply, replies, pinglun, 评论)
// are candidate blocks; inside a block the element with the most children sharing one tag and
// class is the comment list, each such child one comment. In a comment, a descendant whose
// class/id reads author/user/name/nick is the author, one reading content/text/body/msg the text
// (else the longest line that is not the author), and the first date in it the publish time
// (relative forms such as 3小时前 only with `fetched_at`). The first block that yields comments wins.
//
// Sites whose comments are separate pages or a JSON API are not read here: a source in
// configs/sources.yaml names them (`items`, `comment_api`) with per-site field specs (fields.h),
// and the crawler follows them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

struct ExtractedComment {
  std::string author;
  std::string text;
  std::optional<UnixSeconds> published_at;
};

std::vector<ExtractedComment> extract_comments(const HtmlDocument& page, std::optional<UnixSeconds> fetched_at);

}  // namespace yuqing::crawlers
