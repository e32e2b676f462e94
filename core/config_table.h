// ConfigTable: one config section as one table, in the spirit of fluent-bit's config_map.
//
// Each entry binds a YAML key to a member of the section's options struct, with the key's default,
// its range or allowed values and a one-line doc. The table is the only place these are written:
//   - apply_defaults() gives a default-constructed options struct its values,
//   - read() reads a YAML mapping into the struct and validates every value (an error names the
//     YAML path: "sink.batch_rows: must be between 1 and 10000000, got 0"),
//   - describe() lists each key with its value, range and doc (`yuqing config --defaults` prints
//     the whole pipeline YAML from it, and a test checks configs/pipeline.yaml against it).
// Entries are made by the key_*() functions below; rules that tie keys together go in `check`.
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"  // ConfigKeyDoc
#include "core/yaml_reader.h"

namespace yuqing {

// A YAML scalar for `s`: plain when that reads back as the same string, else double-quoted.
std::string yaml_quote(const std::string& s);
// The shortest text that reads back as `x` ("5", "0.01").
std::string number_text(double x);

template <class S>
struct ConfigField {
  std::string key;
  std::string doc;
  std::string range;
  bool documented = true;                                 // false: a refused key (never printed)
  std::function<void(S&)> set_default;
  std::function<void(YamlSection&, S&)> read;             // throws ConfigError naming the path
  std::function<std::string(const S&)> value;             // as YAML text
};

template <class S>
struct ConfigTable {
  std::string section;                                    // its key in the file, e.g. "sink"
  std::string doc;                                        // one line printed above it
  std::vector<ConfigField<S>> fields;
  std::function<void(const YamlSection&, const S&)> check = {};  // rules between keys, after all are read

  void apply_defaults(S& s) const {
    for (const auto& f : fields)
      if (f.set_default) f.set_default(s);
  }
  // Reads the mapping (absent keys keep their value), rejects unknown keys, then runs `check`.
  void read(YamlSection y, S& s) const {
    for (const auto& f : fields) f.read(y, s);
    y.finish();
    if (check) check(y, s);
  }
  std::vector<ConfigKeyDoc> describe(const S& s) const {
    std::vector<ConfigKeyDoc> out;
    for (const auto& f : fields)
      if (f.documented) out.push_back({f.key, f.value(s), f.range, f.doc});
    return out;
  }
};

// A string; `check` returns what is wrong with a value ("" when nothing), `range` says what it takes.
template <class S>
ConfigField<S> key_text(std::string key, std::string S::*m, std::string def, std::string doc,
                        std::string range = {}, std::function<std::string(const std::string&)> check = {}) {
  return {key, std::move(doc), std::move(range), true,
          [m, def = std::move(def)](S& s) { s.*m = def; },
          [m, check = std::move(check), key](YamlSection& y, S& s) {
            y.read(key, s.*m);
            if (check)
              if (const std::string what = check(s.*m); !what.empty()) y.fail(key, what);
          },
          [m](const S& s) { return yaml_quote(s.*m); }};
}

// A string that must start with one of `prefixes` (a URL scheme).
template <class S>
ConfigField<S> key_url(std::string key, std::string S::*m, std::string def, std::string doc, std::vector<std::string> prefixes) {
  std::string listed;
  for (size_t i = 0; i < prefixes.size(); ++i) listed += (i ? (i + 1 == prefixes.size() ? " or " : ", ") : "") + prefixes[i];
  auto check = [prefixes, listed](const std::string& v) -> std::string {
    for (const auto& p : prefixes)
      if (v.rfind(p, 0) == 0) return {};
    return "must start with " + listed + ", got '" + v + "'";
  };
  return key_text<S>(std::move(key), m, std::move(def), std::move(doc), listed + " URL", std::move(check));
}

// One of `allowed`.
template <class S>
ConfigField<S> key_choice(std::string key, std::string S::*m, std::string def, std::string doc, std::vector<std::string> allowed) {
  std::string range, listed;
  for (size_t i = 0; i < allowed.size(); ++i) {
    range += (i ? " | " : "") + allowed[i];
    listed += (i ? (i + 1 == allowed.size() ? " or " : ", ") : "") + allowed[i];
  }
  auto check = [allowed, listed](const std::string& v) -> std::string {
    for (const auto& a : allowed)
      if (v == a) return {};
    return "must be " + listed + ", got '" + v + "'";
  };
  return key_text<S>(std::move(key), m, std::move(def), std::move(doc), range, std::move(check));
}

template <class S>
ConfigField<S> key_flag(std::string key, bool S::*m, bool def, std::string doc) {
  return {key, std::move(doc), {}, true, [m, def](S& s) { s.*m = def; },
          [m, key](YamlSection& y, S& s) { y.read(key, s.*m); },
          [m](const S& s) { return std::string(s.*m ? "true" : "false"); }};
}

// An integer (int or long member) between `min` and `max`.
template <class S, class T>
ConfigField<S> key_int(std::string key, T S::*m, T def, T min, T max, std::string doc) {
  const std::string range = max == std::numeric_limits<T>::max() ? ">= " + std::to_string(min)
                                                                  : std::to_string(min) + ".." + std::to_string(max);
  return {key, std::move(doc), range, true, [m, def](S& s) { s.*m = def; },
          [m, min, max, key](YamlSection& y, S& s) { y.read(key, s.*m, min, max); },
          [m](const S& s) { return std::to_string(s.*m); }};
}

template <class S>
ConfigField<S> key_number(std::string key, double S::*m, double def, double min, double max, std::string doc) {
  return {key, std::move(doc), number_text(min) + ".." + number_text(max), true,
          [m, def](S& s) { s.*m = def; },
          [m, min, max, key](YamlSection& y, S& s) { y.read(key, s.*m, min, max); },
          [m](const S& s) { return number_text(s.*m); }};
}

// A flat mapping of names to values, passed through (empty by default).
template <class S>
ConfigField<S> key_map(std::string key, std::map<std::string, std::string> S::*m, std::string doc) {
  return {key, std::move(doc), {}, true, [m](S& s) { (s.*m).clear(); },
          [m, key](YamlSection& y, S& s) { y.read(key, s.*m); },
          [m](const S& s) {
            std::string out = "{";
            for (const auto& [k, v] : s.*m) out += (out.size() > 1 ? ", " : "") + yaml_quote(k) + ": " + yaml_quote(v);
            return out + "}";
          }};
}

// A key that must not be there (a secret); `why` is the error.
template <class S>
ConfigField<S> key_refused(std::string key, std::string why) {
  return {key, {}, {}, false, {},
          [key, why](YamlSection& y, S&) {
            if (y.has(key)) y.fail(key, why);
          },
          [](const S&) { return std::string(); }};
}

}  // namespace yuqing
