// Renders a SearchResponse for a person at a terminal: rank, title, date,
// kind, source and a snippet, with the matched words in bold and the metadata
// dimmed when `color` is set (the CLI sets it only on a TTY). Without colour,
// matches are marked *like this*. Thread-safe; pure.
#ifndef NEWSEARCH_SEARCHER_TERMINAL_OUTPUT_H_
#define NEWSEARCH_SEARCHER_TERMINAL_OUTPUT_H_

#include <string>

#include "newsearch/searcher.h"

namespace newsearch {

// Highlight markers to put in a SearchRequest for terminal output.
struct TerminalMarks {
  std::string start;
  std::string end;
};
TerminalMarks TerminalHighlight(bool color);

std::string FormatForTerminal(const SearchResponse& response, bool color);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_TERMINAL_OUTPUT_H_
