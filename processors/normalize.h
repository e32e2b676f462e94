// Text normalisation ahead of every tagger: Unicode NFKC (which also folds full-width letters,
// digits and punctuation to half-width) and whitespace collapsed to single spaces. The document's
// original text is kept unchanged; only the taggers see this form.
#pragma once

#include <string>
#include <string_view>

namespace yuqing::processors {

std::string normalize_text(std::string_view utf8);

}  // namespace yuqing::processors
