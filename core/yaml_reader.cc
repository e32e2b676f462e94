#include "core/yaml_reader.h"

#include <charconv>
#include <limits>

namespace yuqing {
namespace {

// The shortest text that reads back as `x`: "0.01", not std::to_string's "0.010000".
std::string shortest(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

}  // namespace

YamlSection::YamlSection(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {
  if (node_ && !node_.IsNull() && !node_.IsMap())
    throw ConfigError(file_ + ": " + (path_.empty() ? std::string("top level") : path_) + ": expected a mapping");
}

std::string YamlSection::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void YamlSection::fail(const std::string& key, const std::string& what) const {
  throw ConfigError(file_ + ": " + key_path(key) + ": " + what);
}

// Lookups go through a const node: yaml-cpp's non-const operator[] inserts the missing key.
bool YamlSection::has(const std::string& key) const {
  const YAML::Node& n = node_;
  return n && n.IsMap() && n[key];
}

std::optional<YAML::Node> YamlSection::value(const std::string& key) {
  seen_.insert(key);
  const YAML::Node& n = node_;
  if (!n || !n.IsMap()) return std::nullopt;
  YAML::Node v = n[key];
  if (!v || v.IsNull()) return std::nullopt;
  return v;
}

void YamlSection::accept(const std::string& key) { seen_.insert(key); }

void YamlSection::read(const std::string& key, std::string& out) {
  auto found = value(key);
  if (!found) return;
  const YAML::Node& v = *found;
  if (!v.IsScalar()) fail(key, "expected a string");
  out = v.Scalar();
}

void YamlSection::read(const std::string& key, bool& out) {
  auto found = value(key);
  if (!found) return;
  const YAML::Node& v = *found;
  try {
    out = v.as<bool>();
  } catch (const YAML::Exception&) {
    fail(key, "expected true or false, got '" + (v.IsScalar() ? v.Scalar() : std::string("a collection")) + "'");
  }
}

void YamlSection::read(const std::string& key, long& out, long min, long max) {
  auto found = value(key);
  if (!found) return;
  const YAML::Node& v = *found;
  long x = 0;
  try {
    x = v.as<long>();
  } catch (const YAML::Exception&) {
    fail(key, "expected an integer, got '" + (v.IsScalar() ? v.Scalar() : std::string("a collection")) + "'");
  }
  if (x < min || x > max)
    fail(key, (max == std::numeric_limits<long>::max() ? "must be at least " + std::to_string(min)
                                                        : "must be between " + std::to_string(min) + " and " + std::to_string(max)) +
                  ", got " + std::to_string(x));
  out = x;
}

void YamlSection::read(const std::string& key, int& out, int min, int max) {
  long x = out;
  read(key, x, min, max);
  out = int(x);
}

void YamlSection::read(const std::string& key, double& out, double min, double max) {
  auto found = value(key);
  if (!found) return;
  const YAML::Node& v = *found;
  double x = 0;
  try {
    x = v.as<double>();
  } catch (const YAML::Exception&) {
    fail(key, "expected a number, got '" + (v.IsScalar() ? v.Scalar() : std::string("a collection")) + "'");
  }
  if (!(x >= min && x <= max))
    fail(key, "must be between " + shortest(min) + " and " + shortest(max) + ", got " + shortest(x));
  out = x;
}

void YamlSection::read(const std::string& key, std::vector<std::string>& out) {
  auto found = value(key);
  if (!found) return;
  const YAML::Node& v = *found;
  if (v.IsScalar()) {
    out = {v.Scalar()};
    return;
  }
  if (!v.IsSequence()) fail(key, "expected a list of strings");
  out.clear();
  for (const auto& item : v) {
    if (!item.IsScalar()) fail(key, "expected a list of strings");
    out.push_back(item.Scalar());
  }
}

void YamlSection::read(const std::string& key, std::map<std::string, std::string>& out) {
  auto found = value(key);
  if (!found) return;
  const YAML::Node& v = *found;
  if (!v.IsMap()) fail(key, "expected a mapping of names to values");
  for (const auto& kv : v) {
    if (!kv.second.IsScalar()) fail(key + "." + kv.first.Scalar(), "expected a scalar value");
    out[kv.first.Scalar()] = kv.second.Scalar();
  }
}

YamlSection YamlSection::child(const std::string& key) {
  return YamlSection(value(key).value_or(YAML::Node()), file_, key_path(key));
}

std::vector<YamlSection> YamlSection::children(const std::string& key) {
  std::vector<YamlSection> out;
  auto found = value(key);
  if (!found) return out;
  const YAML::Node& v = *found;
  if (!v.IsSequence()) fail(key, "expected a list");
  for (size_t i = 0; i < v.size(); ++i) out.emplace_back(v[i], file_, key_path(key) + "[" + std::to_string(i) + "]");
  return out;
}

std::vector<std::string> YamlSection::keys() const {
  std::vector<std::string> out;
  if (node_ && node_.IsMap())
    for (const auto& kv : node_) out.push_back(kv.first.Scalar());
  return out;
}

void YamlSection::finish() const {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string k = kv.first.Scalar();
    if (!seen_.count(k)) throw ConfigError(file_ + ": " + key_path(k) + ": unknown key");
  }
}

YAML::Node load_yaml_file(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path + ": cannot open file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
}

}  // namespace yuqing
