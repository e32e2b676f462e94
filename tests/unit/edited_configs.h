// A throw-away copy of the repo's configs/ (models/ linked beside it, as in the repo) in which a
// test changes one string of one file — the edit a person might make — and then checks the error
// the loader gives. Removed when the test ends.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace yuqing::testing {

class EditedConfigs {
 public:
  explicit EditedConfigs(const std::string& name) : root_(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    std::filesystem::copy("configs", dir(), std::filesystem::copy_options::recursive);
    std::filesystem::create_directory_symlink(std::filesystem::absolute("models"), root_ / "models");
  }
  ~EditedConfigs() { std::filesystem::remove_all(root_); }
  EditedConfigs(const EditedConfigs&) = delete;
  EditedConfigs& operator=(const EditedConfigs&) = delete;

  // The copied configs/ folder.
  std::filesystem::path dir() const { return root_ / "configs"; }

  // Replaces the first `from` in configs/<file> by `to`; false when `from` is not there (the
  // shipped file changed and the test no longer edits what it means to).
  bool replace(const std::string& file, const std::string& from, const std::string& to) const {
    std::string text;
    {
      std::ifstream in(dir() / file);
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const size_t at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    std::ofstream(dir() / file) << text;
    return true;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace yuqing::testing
