# Writes OUTPUT, a C++ source defining circlesim::scenario::embedded_schema(), from the text of
# INPUT. The text is split into raw-string pieces, since compilers limit one literal's length.
file(READ ${INPUT} text)
string(LENGTH "${text}" length)
set(pieces "")
set(offset 0)
while(offset LESS length)
  string(SUBSTRING "${text}" ${offset} 8000 piece)
  string(APPEND pieces "    R\"circlesim_embed(${piece})circlesim_embed\",\n")
  math(EXPR offset "${offset} + 8000")
endwhile()
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by cmake/EmbedText.cmake: do not edit.
#include <string>
#include <string_view>

namespace circlesim::scenario {

const std::string& embedded_schema() {
  static constexpr std::string_view kPieces[] = {
${pieces}  };
  static const std::string text = [] {
    std::string all;
    for (const std::string_view piece : kPieces) all += piece;
    return all;
  }();
  return text;
}

}  // namespace circlesim::scenario
")
