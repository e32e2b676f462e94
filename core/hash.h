// Fingerprints used for identity and change detection (not for security).
#pragma once

#include <string>
#include <string_view>

namespace yuqing {

// First 128 bits of SHA-1 as 32 lower-case hex digits.
std::string fingerprint(std::string_view data);

}  // namespace yuqing
