#include "newsearch/document.h"

namespace newsearch {

absl::string_view KindName(Kind kind) {
  return kind == Kind::kTimeline ? "timeline" : "article";
}

std::optional<Kind> ParseKind(absl::string_view name) {
  if (name == "article") return Kind::kArticle;
  if (name == "timeline") return Kind::kTimeline;
  return std::nullopt;
}

}  // namespace newsearch
