// Command-line preprocessing for newsearch that Abseil flags cannot do: it
// collects repeated --filter FACET=VALUE options (Abseil keeps only the last
// value of a flag) and accepts flag names with '-' as well as '_'
// (--half-life for --half_life). The rest goes to absl::ParseCommandLine.
//
//   ASSIGN_OR_RETURN(CliArgs args, PreparseArgs(argc, argv));
//   absl::ParseCommandLine(args.argv.size(), args.argv.data());
#ifndef NEWSEARCH_SEARCHER_CLI_ARGS_H_
#define NEWSEARCH_SEARCHER_CLI_ARGS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsearch {

struct CliArgs {
  std::vector<std::pair<std::string, std::string>> filters;
  std::vector<std::string> storage;     // owns the rewritten arguments
  std::vector<char*> argv;              // what to hand to Abseil
  std::vector<std::string> positional;  // filled by the caller afterwards
};

// kInvalidArgument for a --filter without FACET=VALUE.
absl::StatusOr<CliArgs> PreparseArgs(int argc, char** argv);

// "90m", "36h", "7d", "2w", "1.5d" or an Abseil duration ("168h").
absl::StatusOr<absl::Duration> ParseHalfLife(absl::string_view text);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_CLI_ARGS_H_
