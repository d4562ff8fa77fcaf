// bg_diagnosis_check <run folder> <race|none>: result.json's diagnoses must name the race (R05: some
// diagnosis is R05), or, for `none`, be empty (a fixed twin, nothing lost, nothing to explain).
// Exit 1 saying what it found instead, 2 when result.json is missing or unreadable. The catalogue's
// tests run it on every race and twin (cli/CMakeLists.txt).
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bg_diagnosis_check <run folder> <race|none>\n";
    return 2;
  }
  const std::string want = argv[2];
  nlohmann::json result;
  try {
    std::ifstream in(std::string(argv[1]) + "/result.json");
    result = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << "bg_diagnosis_check: " << argv[1] << "/result.json: " << e.what() << "\n";
    return 2;
  }
  const auto& all = result.at("diagnoses");
  std::string found;
  bool named = false;
  for (const auto& d : all) {
    const std::string race = d.at("race").is_null() ? "none of the catalogue" : d.at("race").get<std::string>();
    found += "  swap " + std::to_string(d.at("swap").get<int>()) + ": " + race + " (" +
             std::to_string(d.at("requests").get<int64_t>()) + " requests): " + d.at("mechanism").get<std::string>() +
             "\n";
    named = named || race == want;
  }
  const bool ok = want == "none" ? all.empty() : named;
  std::cout << (ok ? "as expected: " : "NOT as expected: ") << "wanted " << want << ", found "
            << (all.empty() ? "no diagnosis\n" : std::to_string(all.size()) + " diagnoses:\n" + found);
  return ok ? 0 : 1;
}
