#include "kernel_diagnostics.h"

#include <map>
#include <sstream>
#include <vector>

namespace mlx::core::kernels {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  return lines;
}

/** For each `#line 1 "<name>"` marker: the unit's lines of that region, 1-based. */
std::map<std::string, std::vector<std::string>> user_regions(const std::string& unit) {
  std::map<std::string, std::vector<std::string>> regions;
  std::vector<std::string>* current = nullptr;
  for (const auto& line : split_lines(unit)) {
    if (line.rfind("#line ", 0) == 0) {
      auto q = line.find('"');
      auto q2 = line.rfind('"');
      std::string name = q != std::string::npos && q2 > q ? line.substr(q + 1, q2 - q - 1) : "";
      current = (name == "source" || name == "header") ? &regions[name] : nullptr;
      continue;
    }
    if (current) current->push_back(line);
  }
  return regions;
}

/** "source:12:5: error: ..." -> ("source", 12, "error: ..."). */
bool parse_location(const std::string& line, std::string& file, int& lineno, std::string& rest) {
  auto c1 = line.find(':');
  if (c1 == std::string::npos) return false;
  auto c2 = line.find(':', c1 + 1);
  if (c2 == std::string::npos) return false;
  try {
    lineno = std::stoi(line.substr(c1 + 1, c2 - c1 - 1));
  } catch (...) {
    return false;
  }
  file = line.substr(0, c1);
  rest = line.substr(c2 + 1);
  auto c3 = rest.find(':');
  if (c3 != std::string::npos && rest.find_first_not_of("0123456789") == c3) rest = rest.substr(c3 + 1);
  while (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
  return true;
}

} // namespace

std::string map_diagnostics(const std::string& output, const std::string& unit) {
  auto regions = user_regions(unit);
  std::ostringstream msg;
  int kept = 0;
  std::string fallback;
  for (const auto& line : split_lines(output)) {
    std::string file, rest;
    int lineno = 0;
    if (!parse_location(line, file, lineno, rest)) continue;
    bool is_error = rest.rfind("error", 0) == 0 || rest.rfind("fatal error", 0) == 0;
    auto region = regions.find(file);
    if (region != regions.end()) {
      if (!is_error && rest.rfind("note", 0) != 0 && rest.rfind("warning", 0) != 0) continue;
      if (kept++ >= 12) continue;
      msg << file << ":" << lineno << ": " << rest << "\n";
      if (lineno >= 1 && lineno <= static_cast<int>(region->second.size())) {
        msg << "  " << lineno << " | " << region->second[lineno - 1] << "\n";
      }
    } else if (is_error && fallback.empty()) {
      fallback = "(in generated code) " + rest + "\n";
    }
  }
  std::string text = msg.str();
  if (text.empty()) text = fallback;
  if (text.empty()) text = output.substr(0, 4000);
  return text;
}

} // namespace mlx::core::kernels
