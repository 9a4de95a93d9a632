#include "searcher/cli_args.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace newsearch {
namespace {

absl::Status AddFilter(absl::string_view spec, CliArgs* args) {
  const size_t eq = spec.find('=');
  if (eq == absl::string_view::npos || eq == 0 || eq + 1 == spec.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--filter needs FACET=VALUE (topic=grain), not '", spec, "'"));
  }
  args->filters.emplace_back(std::string(spec.substr(0, eq)),
                             std::string(spec.substr(eq + 1)));
  return absl::OkStatus();
}

// "--half-life=7d" -> "--half_life=7d"; values are left alone.
std::string UnderscoreName(absl::string_view arg) {
  std::string out(arg);
  const size_t end = std::min(out.find('='), out.size());
  for (size_t i = 2; i < end; ++i) {
    if (out[i] == '-') out[i] = '_';
  }
  return out;
}

}  // namespace

absl::StatusOr<CliArgs> PreparseArgs(int argc, char** argv) {
  CliArgs args;
  args.storage.reserve(static_cast<size_t>(argc));
  bool flags_done = false;
  for (int i = 0; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (i == 0 || flags_done || !absl::StartsWith(arg, "--")) {
      args.storage.emplace_back(arg);
      continue;
    }
    if (arg == "--") flags_done = true;
    if (arg == "--filter") {
      if (i + 1 >= argc)
        return absl::InvalidArgumentError("--filter needs FACET=VALUE");
      absl::Status status = AddFilter(argv[++i], &args);
      if (!status.ok()) return status;
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--filter=")) {
      absl::Status status = AddFilter(arg, &args);
      if (!status.ok()) return status;
      continue;
    }
    // Abseil spells a false boolean --nofold; accept --no-fold too.
    std::string name = UnderscoreName(arg);
    if (absl::StartsWith(name, "--no_")) name = "--no" + name.substr(5);
    args.storage.push_back(std::move(name));
  }
  for (std::string& s : args.storage) args.argv.push_back(s.data());
  return args;
}

absl::StatusOr<absl::Duration> ParseHalfLife(absl::string_view text) {
  absl::Duration d;
  if (!text.empty() && (text.back() == 'd' || text.back() == 'w')) {
    double n = 0;
    if (absl::SimpleAtod(text.substr(0, text.size() - 1), &n) && n > 0) {
      return absl::Hours(n * (text.back() == 'd' ? 24 : 24 * 7));
    }
  } else if (absl::ParseDuration(text, &d) && d > absl::ZeroDuration()) {
    return d;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--half-life must be a positive duration such as 36h, 7d or 2w, not '",
      text, "'"));
}

}  // namespace newsearch
