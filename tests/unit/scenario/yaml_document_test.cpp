// Tests for models/scenario/yaml_document: YAML 1.2 core-schema typing, the line and column of
// every value and key, and each reading problem with its message and place.
#include "models/scenario/yaml_document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>

namespace circlesim::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::string_view_literals;

const std::string kFile = "scenario.yaml";

// tests/data/yaml, found from this source file so that the working directory does not matter.
std::filesystem::path data_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data" /
         "yaml";
}

std::string place(const SourceLocation& where) {
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

std::string at(int line, int column) { return place({kFile, line, column}); }

YamlDocument load_ok(std::string_view text) {
  Diagnostics diagnostics;
  std::optional<YamlDocument> document = load_yaml_text(text, kFile, diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
  EXPECT_TRUE(document.has_value());
  return document ? std::move(*document) : YamlDocument{};
}

Diagnostics load_bad(std::string_view text) {
  Diagnostics diagnostics;
  std::optional<YamlDocument> document;
  EXPECT_NO_THROW(document = load_yaml_text(text, kFile, diagnostics));
  EXPECT_FALSE(document.has_value());
  EXPECT_FALSE(diagnostics.empty());
  return diagnostics;
}

// The one diagnostic of a text that must fail with exactly one problem.
Diagnostic single_problem(std::string_view text) {
  const Diagnostics diagnostics = load_bad(text);
  EXPECT_EQ(diagnostics.size(), 1u) << diagnostics.to_string();
  return diagnostics.empty() ? Diagnostic{} : diagnostics.items().front();
}

// The value of `v: <scalar>` after loading.
nlohmann::json value_of(std::string_view scalar) {
  const YamlDocument document = load_ok("v: " + std::string(scalar) + "\n");
  return document.value.contains("v") ? document.value["v"] : nlohmann::json("<missing>");
}

void expect_int(std::string_view scalar, std::int64_t expected) {
  const nlohmann::json value = value_of(scalar);
  ASSERT_TRUE(value.is_number_integer()) << scalar << " -> " << value.dump();
  EXPECT_EQ(value.get<std::int64_t>(), expected) << scalar;
}

void expect_double(std::string_view scalar, double expected) {
  const nlohmann::json value = value_of(scalar);
  ASSERT_TRUE(value.is_number_float()) << scalar << " -> " << value.dump();
  EXPECT_DOUBLE_EQ(value.get<double>(), expected) << scalar;
}

void expect_string(std::string_view scalar, std::string_view expected) {
  const nlohmann::json value = value_of(scalar);
  ASSERT_TRUE(value.is_string()) << scalar << " -> " << value.dump();
  EXPECT_EQ(value.get<std::string>(), expected) << scalar;
}

// --- Core-schema typing -----------------------------------------------------------------------

TEST(YamlDocumentScalars, NullForms) {
  for (const std::string_view scalar : {"null"sv, "Null"sv, "NULL"sv, "~"sv, ""sv}) {
    EXPECT_TRUE(value_of(scalar).is_null()) << "'" << scalar << "'";
  }
  EXPECT_TRUE(value_of("!!null ''").is_null());
  expect_string("\"null\"", "null");
  expect_string("'~'", "~");
  expect_string("nULL", "nULL");
}

TEST(YamlDocumentScalars, BooleansAreOnlyTrueAndFalse) {
  for (const std::string_view scalar : {"true"sv, "True"sv, "TRUE"sv}) {
    EXPECT_EQ(value_of(scalar), nlohmann::json(true)) << scalar;
  }
  for (const std::string_view scalar : {"false"sv, "False"sv, "FALSE"sv}) {
    EXPECT_EQ(value_of(scalar), nlohmann::json(false)) << scalar;
  }
  // YAML 1.1 booleans are plain strings in the 1.2 core schema.
  for (const std::string_view scalar :
       {"yes"sv, "no"sv, "on"sv, "off"sv, "y"sv, "n"sv, "Yes"sv, "OFF"sv, "tRUE"sv}) {
    expect_string(scalar, scalar);
  }
  expect_string("\"true\"", "true");
  EXPECT_EQ(value_of("!!bool \"false\""), nlohmann::json(false));
}

TEST(YamlDocumentScalars, Integers) {
  expect_int("1", 1);
  expect_int("-7", -7);
  expect_int("+7", 7);
  expect_int("007", 7);  // decimal in YAML 1.2, not octal
  expect_int("0", 0);
  expect_int("-0", 0);
  expect_int("0o17", 15);
  expect_int("0x1F", 31);
  expect_int("0x1f", 31);
  expect_int("9223372036854775807", std::numeric_limits<std::int64_t>::max());
  expect_int("-9223372036854775808", std::numeric_limits<std::int64_t>::min());
  expect_int("0x7FFFFFFFFFFFFFFF", std::numeric_limits<std::int64_t>::max());
  expect_int("!!int \"12\"", 12);
  // Not core-schema integers: strings.
  for (const std::string_view scalar : {"1_000"sv, "0x"sv, "0o"sv, "0o8"sv, "0X1F"sv, "0b101"sv,
                                        "-0x1F"sv, "12:30"sv, "1 000"sv, "++1"sv}) {
    expect_string(scalar, scalar);
  }
  expect_string("\"1\"", "1");
  expect_string("'1'", "1");
  expect_string("!!str 3", "3");
  expect_string("! 5", "5");
}

TEST(YamlDocumentScalars, Floats) {
  expect_double("1.0", 1.0);
  expect_double("-1.5", -1.5);
  expect_double("+2.5", 2.5);
  expect_double(".5", 0.5);
  expect_double("-.5", -0.5);
  expect_double("1.", 1.0);
  expect_double("1e3", 1000.0);
  expect_double("1.5E-2", 0.015);
  expect_double("2e+2", 200.0);
  expect_double("!!float 1", 1.0);
  // Not core-schema floats: strings.
  for (const std::string_view scalar : {"1e"sv, "e3"sv, "."sv, "1.2.3"sv, ".in"sv, "-.nan"sv,
                                        "inf"sv, "nan"sv, ".iNf"sv, "1,5"sv, "1.5x"sv}) {
    expect_string(scalar, scalar);
  }
  expect_string("\"1.0\"", "1.0");
}

TEST(YamlDocumentScalars, QuotedAndBlockScalarsAreStrings) {
  const YamlDocument document = load_ok(
      "literal: |\n"
      "  12\n"
      "folded: >\n"
      "  true\n"
      "single: '0x1F'\n"
      "double: \"\"\n"
      "plain: 30 min\n");
  EXPECT_EQ(document.value["literal"], nlohmann::json("12\n"));
  EXPECT_EQ(document.value["folded"], nlohmann::json("true\n"));
  EXPECT_EQ(document.value["single"], nlohmann::json("0x1F"));
  EXPECT_EQ(document.value["double"], nlohmann::json(""));
  EXPECT_EQ(document.value["plain"], nlohmann::json("30 min"));
}

TEST(YamlDocumentScalars, MappingsSequencesAndAliases) {
  const YamlDocument document = load_ok(
      "base: &b {x: 1, y: [a, 2]}\n"
      "use: *b\n"
      "list: [1, two, {three: 3}]\n"
      "8: hour eight\n");
  const nlohmann::json expected = nlohmann::json::parse(R"({
      "base": {"x": 1, "y": ["a", 2]},
      "use": {"x": 1, "y": ["a", 2]},
      "list": [1, "two", {"three": 3}],
      "8": "hour eight"})");
  EXPECT_EQ(document.value, expected);
}

TEST(YamlDocumentScalars, TextNeedNotEndWithTheView) {
  // The loader reads the view in place; it must stop at its end, not at a terminating zero.
  const std::string buffer = "a: 1\nb: 2\n";
  const YamlDocument document = load_ok(std::string_view(buffer).substr(0, 5));
  EXPECT_EQ(document.value, nlohmann::json::parse(R"({"a": 1})"));
}

// --- Locations --------------------------------------------------------------------------------

constexpr std::string_view kNested =
    "# A small scenario-shaped document for the location tests of yaml_document_test.cpp.\n"
    "run:\n"
    "  horizon: 30d\n"
    "services:\n"
    "  - id: library\n"
    "    duration: {mean: 12.5, cv: 0.4}\n"
    "  - id: \"clinic\"\n"
    "    staff:\n"
    "      - 2\n"
    "      -\n"
    "      - 3\n";

void expect_nested_locations(const YamlDocument& document, const std::string& file) {
  const SourceMap& map = document.locations;
  const auto where = [&](int line, int column) { return place({file, line, column}); };
  EXPECT_EQ(map.file(), file);
  EXPECT_EQ(place(map.find("")), where(2, 1));
  EXPECT_EQ(place(map.find("/run")), where(3, 3));
  EXPECT_EQ(place(map.find_key("/run")), where(2, 1));
  EXPECT_EQ(place(map.find("/run/horizon")), where(3, 12));
  EXPECT_EQ(place(map.find_key("/run/horizon")), where(3, 3));
  EXPECT_EQ(place(map.find("/services")), where(5, 3));
  EXPECT_EQ(place(map.find("/services/0")), where(5, 5));
  EXPECT_EQ(place(map.find("/services/0/id")), where(5, 9));
  EXPECT_EQ(place(map.find("/services/0/duration")), where(6, 15));
  EXPECT_EQ(place(map.find_key("/services/0/duration/mean")), where(6, 16));
  EXPECT_EQ(place(map.find("/services/0/duration/mean")), where(6, 22));
  EXPECT_EQ(place(map.find_key("/services/0/duration/cv")), where(6, 28));
  EXPECT_EQ(place(map.find("/services/0/duration/cv")), where(6, 32));
  EXPECT_EQ(place(map.find("/services/1/id")), where(7, 9));  // at the opening quote
  EXPECT_EQ(place(map.find("/services/1/staff")), where(9, 7));
  EXPECT_EQ(place(map.find("/services/1/staff/0")), where(9, 9));
  // An empty item is placed at its dash, not at the next item (where yaml-cpp puts it).
  EXPECT_EQ(place(map.find("/services/1/staff/1")), where(10, 7));
  EXPECT_EQ(place(map.find("/services/1/staff/2")), where(11, 9));
  // Missing values fall back to their nearest recorded ancestor.
  EXPECT_EQ(place(map.find("/services/1/staff/7")), where(9, 7));
  EXPECT_EQ(place(map.find("/services/0/duration/shape/k")), where(6, 15));
  EXPECT_EQ(place(map.find("/nothing/here")), where(2, 1));
  // A key never recorded: find_key falls back to find.
  EXPECT_EQ(place(map.find_key("/services/0/duration/shape")), where(6, 15));

  EXPECT_EQ(document.value["run"]["horizon"], nlohmann::json("30d"));
  EXPECT_EQ(document.value["services"][0]["duration"]["mean"], nlohmann::json(12.5));
  EXPECT_TRUE(document.value["services"][1]["staff"][1].is_null());
  EXPECT_EQ(document.value["services"][1]["staff"][2], nlohmann::json(3));
}

TEST(YamlDocumentLocations, NestedValuesAndKeys) {
  expect_nested_locations(load_ok(kNested), kFile);
}

TEST(YamlDocumentLocations, EmptyMappingValueIsAtItsKey) {
  const YamlDocument document = load_ok("a:\nb:\n\n  # comment\nc: 1\n");
  EXPECT_EQ(place(document.locations.find("/a")), at(1, 1));
  EXPECT_EQ(place(document.locations.find("/b")), at(2, 1));
  EXPECT_EQ(place(document.locations.find("/c")), at(5, 4));
}

TEST(YamlDocumentLocations, ExplicitNullIsAtItself) {
  const YamlDocument document = load_ok("a:   ~\nb:\n  null\nc: &n NULL\n");
  EXPECT_EQ(place(document.locations.find("/a")), at(1, 6));
  EXPECT_EQ(place(document.locations.find("/b")), at(3, 3));
  EXPECT_EQ(place(document.locations.find("/c")), at(4, 4));
}

TEST(YamlDocumentLocations, ColumnsCountCharactersNotBytes) {
  const YamlDocument document = load_ok("名前: 図書館\nk: {é: 1, b: 2}\n");
  EXPECT_EQ(place(document.locations.find("/名前")), at(1, 5));
  EXPECT_EQ(place(document.locations.find_key("/k/b")), at(2, 11));
  EXPECT_EQ(place(document.locations.find("/k/b")), at(2, 14));
}

TEST(YamlDocumentLocations, ByteOrderMarkAndCrLf) {
  const YamlDocument document = load_ok(
      "\xEF\xBB\xBF"
      "a: 1\r\nb: [1, 2]\r\n");
  EXPECT_EQ(place(document.locations.find("/a")), at(1, 4));
  EXPECT_EQ(place(document.locations.find("/b/1")), at(2, 8));
  EXPECT_EQ(document.value["b"], nlohmann::json::parse("[1, 2]"));
}

TEST(YamlDocumentLocations, AliasedValuesPointAtTheirDefinition) {
  const YamlDocument document = load_ok("base: &b {x: 1}\nuse: *b\n");
  EXPECT_EQ(place(document.locations.find("/use/x")), at(1, 14));
  EXPECT_EQ(place(document.locations.find_key("/use")), at(2, 1));
}

TEST(YamlDocumentLocations, KeysWithSlashAndTildeAreEscaped) {
  const YamlDocument document = load_ok("\"a/b\":\n  \"c~d\": 1\n");
  EXPECT_EQ(document.value["a/b"]["c~d"], nlohmann::json(1));
  EXPECT_EQ(place(document.locations.find("/a~1b/c~0d")), at(2, 10));
  EXPECT_EQ(place(document.locations.find_key("/a~1b/c~0d")), at(2, 3));
}

TEST(YamlSourceMap, FindWalksUpToTheRootThenGivesTheFile) {
  SourceMap map;
  map.set_file("f.yaml");
  EXPECT_EQ(place(map.find("/a/b")), "f.yaml:0:0");
  map.set("/a", {"other.yaml", 4, 2});
  EXPECT_EQ(place(map.find("/a/b/c")), "other.yaml:4:2");
  EXPECT_EQ(place(map.find_key("/a/b")), "other.yaml:4:2");
  map.set_key("/a/b", {"f.yaml", 5, 3});
  EXPECT_EQ(place(map.find_key("/a/b")), "f.yaml:5:3");
  EXPECT_EQ(place(map.find("/a/b")), "other.yaml:4:2");  // a key's place is not its value's
  map.set("", {"f.yaml", 1, 1});
  EXPECT_EQ(place(map.find("/z")), "f.yaml:1:1");
}

TEST(YamlSourceMap, PointerToKeyPath) {
  EXPECT_EQ(pointer_to_key_path(""), "");
  EXPECT_EQ(pointer_to_key_path("/services"), "services");
  EXPECT_EQ(pointer_to_key_path("/services/2/duration"), "services.2.duration");
  EXPECT_EQ(pointer_to_key_path("/a~1b/c~0d"), "a/b.c~d");
  EXPECT_EQ(pointer_to_key_path("/~01"), "~1");  // ~0 first, then a literal 1
  // Keys that would not be seen for what they are are quoted.
  EXPECT_EQ(pointer_to_key_path("/variants/A B"), R"(variants."A B")");
  EXPECT_EQ(pointer_to_key_path("/variants/"), R"(variants."")");
  EXPECT_EQ(pointer_to_key_path("/a\tb"), R"("a\tb")");
}

// --- Problems in the document -----------------------------------------------------------------

TEST(YamlDocumentErrors, DuplicateKeyNamesBothLines) {
  const Diagnostic problem = single_problem("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n");
  EXPECT_EQ(problem.message, "duplicate key 'x' (first at line 3)");
  EXPECT_EQ(place(problem.where), at(5, 3));
  EXPECT_EQ(problem.key_path, "b.x");
  EXPECT_EQ(format_diagnostic(problem),
            "scenario.yaml:5:3: b.x: duplicate key 'x' (first at line 3)");
}

TEST(YamlDocumentErrors, DuplicateKeyQuotedOrInFlow) {
  const Diagnostic quoted = single_problem("a: 1\n\"a\": 2\n");
  EXPECT_EQ(quoted.message, "duplicate key 'a' (first at line 1)");
  EXPECT_EQ(place(quoted.where), at(2, 1));
  const Diagnostic flow = single_problem("m: {x: 1, x: 2}\n");
  EXPECT_EQ(flow.message, "duplicate key 'x' (first at line 1)");
  EXPECT_EQ(place(flow.where), at(1, 11));
}

TEST(YamlDocumentErrors, MergeKeysAreRefused) {
  const Diagnostic problem = single_problem("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n");
  EXPECT_EQ(problem.message, "merge keys (<<) are not supported; use extends");
  EXPECT_EQ(place(problem.where), at(3, 3));
  EXPECT_EQ(problem.key_path, "use");
  // A quoted "<<" is an ordinary name, not a merge.
  EXPECT_EQ(load_ok("\"<<\": 1\n").value["<<"], nlohmann::json(1));
}

TEST(YamlDocumentErrors, KeysMustBeScalars) {
  const Diagnostic list_key = single_problem("a: 1\n? [x, y]\n: 2\n");
  EXPECT_EQ(list_key.message, "mapping keys must be scalars, found a list");
  EXPECT_EQ(place(list_key.where), at(2, 3));
  const Diagnostic map_key = single_problem("{x: 1}: 2\n");
  EXPECT_EQ(map_key.message, "mapping keys must be scalars, found a mapping");
  EXPECT_EQ(place(map_key.where), at(1, 1));
  const Diagnostic null_key = single_problem("a: 1\n~: 2\n");
  EXPECT_EQ(null_key.message, "empty or null key (expected a name)");
  EXPECT_EQ(place(null_key.where), at(2, 1));
}

TEST(YamlDocumentErrors, UnsupportedTags) {
  const Diagnostic custom = single_problem("a:\n  b: !custom 4\n");
  EXPECT_EQ(custom.message, "unsupported tag '!custom' (expected no tag)");
  EXPECT_EQ(place(custom.where), at(2, 6));
  EXPECT_EQ(custom.key_path, "a.b");
  const Diagnostic binary = single_problem("a: !!binary aGk=\n");
  EXPECT_THAT(binary.message, StartsWith("unsupported tag '!!binary'"));
  const Diagnostic on_map = single_problem("a: !thing {x: 1}\n");
  EXPECT_THAT(on_map.message, StartsWith("unsupported tag '!thing'"));
  EXPECT_EQ(place(on_map.where), at(1, 4));
  const Diagnostic on_key = single_problem("!k a: 1\n");
  EXPECT_THAT(on_key.message, StartsWith("unsupported tag '!k'"));
  const Diagnostic wrong_shape = single_problem("a: !!seq {x: 1}\n");
  EXPECT_THAT(wrong_shape.message, StartsWith("unsupported tag '!!seq' on a mapping"));
  const Diagnostic mismatch = single_problem("a: !!int abc\n");
  EXPECT_EQ(mismatch.message, "'abc' does not fit its tag '!!int' (expected an integer)");
}

TEST(YamlDocumentErrors, IntegerOutOfRange) {
  for (const std::string_view scalar :
       {"18446744073709551616"sv, "-9223372036854775809"sv, "0x8000000000000000"sv,
        "0o1000000000000000000000"sv, "123456789012345678901234567890"sv}) {
    const Diagnostic problem = single_problem("a:\n  b: " + std::string(scalar) + "\n");
    EXPECT_THAT(problem.message, StartsWith("integer out of range")) << scalar;
    EXPECT_EQ(place(problem.where), at(2, 6)) << scalar;
    EXPECT_EQ(problem.key_path, "a.b");
  }
}

// A decimal integer above the signed range that fits 64 bits unsigned is read as it is: the
// schema check then gives the range of its key (a seed's is from 0 to 2^63-1, not from -2^63).
TEST(YamlDocumentScalars, IntegersAboveTheSignedRangeAreReadUnsigned) {
  const YamlDocument document =
      load_ok("a: 9223372036854775808\nb: 18446744073709551615\nc: !!int +18446744073709551615\n");
  EXPECT_TRUE(document.value["a"].is_number_unsigned());
  EXPECT_EQ(document.value["a"].get<std::uint64_t>(), 9223372036854775808ULL);
  EXPECT_EQ(document.value["b"].get<std::uint64_t>(), 18446744073709551615ULL);
  EXPECT_EQ(document.value["c"].get<std::uint64_t>(), 18446744073709551615ULL);
}

TEST(YamlDocumentErrors, FloatOutOfRange) {
  const Diagnostic problem = single_problem("a: [1e999]\n");
  EXPECT_THAT(problem.message, StartsWith("number out of range: 1e999"));
  EXPECT_EQ(place(problem.where), at(1, 5));
  EXPECT_EQ(problem.key_path, "a.0");
}

// .inf and .nan are core-schema floats, but no scenario value may be one: each is refused where
// it is written, whatever its key, rather than reach the model as an infinite or undefined value.
TEST(YamlDocumentErrors, NonFiniteNumbersAreRefused) {
  for (const std::string_view scalar :
       {".inf"sv, ".Inf"sv, ".INF"sv, "+.inf"sv, "-.inf"sv, "-.INF"sv, ".nan"sv, ".NaN"sv, ".NAN"sv,
        "!!float .nan"sv}) {
    const Diagnostic problem = single_problem("a:\n  b: " + std::string(scalar) + "\n");
    EXPECT_THAT(problem.message, HasSubstr("is not a finite number (expected a finite number"))
        << scalar;
    EXPECT_EQ(place(problem.where), at(2, 6)) << scalar;
    EXPECT_EQ(problem.key_path, "a.b") << scalar;
  }
}

// "\0" or "\u0000" in a quoted string would cut a name short where C interfaces take it (HDF5
// attributes); no control character but tab and line break belongs in a scenario's text.
TEST(YamlDocumentErrors, EscapedControlCharactersAreRefused) {
  for (const std::string_view scalar :
       {R"("a\0b")"sv, R"("a\u0000b")"sv, R"("\x07")"sv, R"("\x7f")"sv, R"(!!str "\e")"sv}) {
    const Diagnostic problem = single_problem("a:\n  b: " + std::string(scalar) + "\n");
    EXPECT_THAT(problem.message, StartsWith("the string contains the control character U+"))
        << scalar;
    EXPECT_EQ(place(problem.where), at(2, 6)) << scalar;
    EXPECT_EQ(problem.key_path, "a.b") << scalar;
  }
  const Diagnostic in_key = single_problem("\"a\\0\": 1\n");
  EXPECT_EQ(in_key.message,
            "the key contains the control character U+0000 (expected text without control "
            "characters other than tab and line break)");
  EXPECT_EQ(in_key.key_path, R"("a\u0000")");
  // Tabs and line breaks are text.
  EXPECT_EQ(load_ok(R"(a: "x\ty\nz")").value["a"], "x\ty\nz");
}

TEST(YamlDocumentErrors, EveryProblemIsReported) {
  const Diagnostics diagnostics = load_bad(
      "a: 1\n"
      "a: 2\n"
      "b: !custom 3\n"
      "c: 99999999999999999999\n"
      "<<: {}\n");
  ASSERT_EQ(diagnostics.size(), 4u) << diagnostics.to_string();
  EXPECT_EQ(diagnostics.to_string(),
            "scenario.yaml:2:1: a: duplicate key 'a' (first at line 1)\n"
            "scenario.yaml:3:4: b: unsupported tag '!custom' (expected no tag)\n"
            "scenario.yaml:4:4: c: integer out of range: 99999999999999999999 (expected an "
            "integer from -9223372036854775808 to 9223372036854775807)\n"
            "scenario.yaml:5:1: merge keys (<<) are not supported; use extends\n");
}

TEST(YamlDocumentErrors, SyntaxErrorsCarryYamlCppPlace) {
  const Diagnostic unclosed = single_problem("a: [1, 2\nb: 3\n");
  EXPECT_THAT(unclosed.message, StartsWith("YAML syntax error: "));
  EXPECT_THAT(unclosed.message, HasSubstr("end of sequence flow not found"));
  EXPECT_EQ(place(unclosed.where), at(2, 2));
  const Diagnostic two_values = single_problem("a: b: c\n");
  EXPECT_EQ(two_values.message, "YAML syntax error: illegal map value");
  EXPECT_EQ(place(two_values.where), at(1, 5));
  const Diagnostic indent = single_problem("a: 1\n a2: 2\n");
  EXPECT_EQ(place(indent.where), at(2, 4));
  const Diagnostic alias = single_problem("a: *nope\n");
  EXPECT_THAT(alias.message, HasSubstr("anchor"));
  EXPECT_EQ(place(alias.where), at(1, 4));
}

TEST(YamlDocumentErrors, StrayCommaAtDocumentLevel) {
  // yaml-cpp 0.7's LoadAll loops forever on these, allocating (jbeder/yaml-cpp#1040), and its
  // Load silently drops the rest of the text; the loader must report them instead.
  const Diagnostic alone = single_problem(",\n");
  EXPECT_EQ(alone.message, "YAML syntax error: unexpected ','");
  EXPECT_EQ(place(alone.where), at(1, 1));
  const Diagnostic after_list = single_problem("- a\n,\n");
  EXPECT_EQ(after_list.message, "YAML syntax error: unexpected ','");
  EXPECT_EQ(place(after_list.where), at(2, 1));
  EXPECT_EQ(place(single_problem("a: 1\n---\n,\n").where), at(3, 1));
  EXPECT_THAT(single_problem(",? \n:!\n").message, StartsWith("YAML syntax error"));
}

TEST(YamlDocumentErrors, EmptyDocument) {
  for (const std::string_view text : {""sv, "\n\n"sv, "# only a comment\n"sv}) {
    const Diagnostic problem = single_problem(text);
    EXPECT_EQ(problem.message,
              "the file has no content (expected a mapping of sections at the top level)");
    EXPECT_EQ(place(problem.where), at(1, 1));
  }
  const Diagnostic marker_only = single_problem("---\n");
  EXPECT_EQ(marker_only.message,
            "the document is empty (expected a mapping of sections at the top level)");
}

TEST(YamlDocumentErrors, TopLevelMustBeAMapping) {
  const Diagnostic list = single_problem("# services\n- a\n- b\n");
  EXPECT_EQ(list.message,
            "the top level is a list (expected a mapping of sections at the top level)");
  EXPECT_EQ(place(list.where), at(2, 1));
  const Diagnostic text = single_problem("  just text\n");
  EXPECT_EQ(text.message,
            "the top level is a single value (expected a mapping of sections at the top level)");
  EXPECT_EQ(place(text.where), at(1, 3));
}

TEST(YamlDocumentErrors, OneDocumentOnly) {
  const auto second_at = [](std::string_view text) {
    const Diagnostic problem = single_problem(text);
    EXPECT_EQ(problem.message, "a second document starts here (expected one YAML document)");
    return place(problem.where);
  };
  EXPECT_EQ(second_at("a: 1\n---\nb: 2\n"), at(2, 1));
  EXPECT_EQ(second_at("# c\n---\na: 1\n---\nb: 2\n"), at(4, 1));
  EXPECT_EQ(second_at("a: 1\n...\nb: 2\n"), at(3, 1));
  EXPECT_EQ(second_at("a: 1\n---\n"), at(2, 1));
  // A `---` inside a value is not a document marker.
  EXPECT_EQ(load_ok("a: \"---\"\nb: x---\n").value["a"], nlohmann::json("---"));
}

TEST(YamlDocumentErrors, NestingDeeperThan64Levels) {
  // The top-level mapping is level 1; `a: [[...]]` with n brackets nests n + 1 levels.
  const auto nested = [](int brackets) {
    return "a: " + std::string(static_cast<std::size_t>(brackets), '[') +
           std::string(static_cast<std::size_t>(brackets), ']') + "\n";
  };
  load_ok(nested(63));
  const Diagnostic problem = single_problem(nested(64));
  EXPECT_EQ(problem.message, "nesting deeper than 64 levels (expected a flatter document)");
  EXPECT_EQ(place(problem.where), at(1, 67));
  // Deep enough for yaml-cpp's own guard to stop the parse: same message, no crash.
  const Diagnostic very_deep = single_problem(nested(100'000));
  EXPECT_EQ(very_deep.message, "nesting deeper than 64 levels (expected a flatter document)");
}

TEST(YamlDocumentErrors, BlockNestingDeeperThan64Levels) {
  std::string text;
  for (int level = 0; level < 70; ++level) {
    text +=
        std::string(static_cast<std::size_t>(2 * level), ' ') + "k" + std::to_string(level) + ":\n";
  }
  const Diagnostic problem = single_problem(text);
  EXPECT_THAT(problem.message, StartsWith("nesting deeper than 64 levels"));
  EXPECT_EQ(place(problem.where), at(65, 129));  // the first key of the 65th mapping
}

TEST(YamlDocumentErrors, RecursiveAlias) {
  const Diagnostic problem = single_problem("a: &x [1, *x]\n");
  EXPECT_THAT(problem.message, StartsWith("alias refers to a value that contains it"));
  EXPECT_EQ(problem.key_path, "a.1");
}

TEST(YamlDocumentErrors, AliasExpansionIsBounded) {
  // "Billion laughs": nine levels of ten aliases each would expand to 10^9 values.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string name = std::to_string(level);
    const std::string previous = std::to_string(level - 1);
    // Appended piece by piece: GCC 12 warns wrongly (-Wrestrict) on `"literal" + std::string`.
    text.append("l").append(name).append(": &l").append(name).append(" [");
    for (int i = 0; i < 10; ++i) text.append(i == 0 ? "*l" : ", *l").append(previous);
    text.append("]\n");
  }
  const auto start = std::chrono::steady_clock::now();
  const Diagnostic problem = single_problem(text);
  EXPECT_THAT(problem.message, HasSubstr("values after expanding aliases"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// --- Problems in the bytes --------------------------------------------------------------------

TEST(YamlDocumentErrors, InvalidUtf8IsPlaced) {
  const Diagnostic latin1 = single_problem("a: 1\nb: caf\xE9\n");
  EXPECT_EQ(latin1.message, "invalid UTF-8 byte 0xE9 (expected UTF-8 text)");
  EXPECT_EQ(place(latin1.where), at(2, 7));
  const Diagnostic after_accent = single_problem("x: é\xFF\n");
  EXPECT_EQ(after_accent.message, "invalid UTF-8 byte 0xFF (expected UTF-8 text)");
  EXPECT_EQ(place(after_accent.where), at(1, 5));
  EXPECT_THAT(single_problem("a: \xC0\xAF\n").message, HasSubstr("byte 0xC0"));      // overlong
  EXPECT_THAT(single_problem("a: \xED\xA0\x80\n").message, HasSubstr("byte 0xED"));  // surrogate
  EXPECT_THAT(single_problem("a: \xF4\x90\x80\x80\n").message, HasSubstr("byte 0xF4"));  // >10FFFF
  EXPECT_THAT(single_problem("a: \xE2\x82").message, HasSubstr("byte 0xE2"));  // cut short
  EXPECT_THAT(single_problem("a: \x80\n").message, HasSubstr("byte 0x80"));    // stray
  const Diagnostic utf16 = single_problem(
      "\xFF\xFE"
      "a\0:\0"sv);
  EXPECT_THAT(utf16.message, StartsWith("invalid UTF-8 byte 0xFF (expected UTF-8 text"));
  EXPECT_THAT(utf16.message, HasSubstr("UTF-16"));
  EXPECT_EQ(place(utf16.where), at(1, 1));
  // Well-formed multi-byte text is fine.
  EXPECT_EQ(load_ok("a: \"€ 😀\"\n").value["a"], nlohmann::json("€ 😀"));
}

TEST(YamlDocumentErrors, ControlCharacters) {
  const Diagnostic bell = single_problem("a: 1\nb: x\x07y\n");
  EXPECT_EQ(bell.message,
            "control character U+0007 is not allowed in YAML (expected printable text)");
  EXPECT_EQ(place(bell.where), at(2, 5));
  const Diagnostic nul = single_problem("a: \0\n"sv);
  EXPECT_THAT(nul.message, HasSubstr("U+0000"));
  EXPECT_EQ(place(nul.where), at(1, 4));
  load_ok("a:\t1\r\n");  // tab and carriage return are fine
}

// --- Files ------------------------------------------------------------------------------------

class YamlDocumentFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = std::filesystem::temp_directory_path() /
                 ("circlesim_yaml_" + std::to_string(::getpid()) + "_" + test->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::permissions(directory_ / "locked.yaml", std::filesystem::perms::owner_all,
                                 ignored);
    std::filesystem::remove_all(directory_, ignored);
  }

  std::string write(const std::string& name, std::string_view content) const {
    const std::filesystem::path path = directory_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  // The one diagnostic of a file that must fail with exactly one problem.
  static Diagnostic single_file_problem(const std::string& path) {
    Diagnostics diagnostics;
    std::optional<YamlDocument> document;
    EXPECT_NO_THROW(document = load_yaml_file(path, diagnostics));
    EXPECT_FALSE(document.has_value());
    EXPECT_EQ(diagnostics.size(), 1u) << diagnostics.to_string();
    return diagnostics.empty() ? Diagnostic{} : diagnostics.items().front();
  }

  std::filesystem::path directory_;
};

TEST_F(YamlDocumentFiles, MissingFile) {
  const std::string path = (directory_ / "missing.yaml").string();
  const Diagnostic problem = single_file_problem(path);
  EXPECT_EQ(problem.message, "cannot open: no such file");
  EXPECT_EQ(place(problem.where), path + ":0:0");
  EXPECT_EQ(format_diagnostic(problem), path + ": cannot open: no such file");
}

TEST_F(YamlDocumentFiles, Directory) {
  const Diagnostic problem = single_file_problem(directory_.string());
  EXPECT_EQ(problem.message, "is a directory, expected a YAML file");
  EXPECT_EQ(place(problem.where), directory_.string() + ":0:0");
}

TEST_F(YamlDocumentFiles, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read a file without read permission";
  const std::string path = write("locked.yaml", "a: 1\n");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  EXPECT_EQ(single_file_problem(path).message, "cannot open: permission denied");
}

TEST_F(YamlDocumentFiles, LargerThan256MiB) {
  // A sparse file: its size is checked before anything is read.
  const std::string path = write("huge.yaml", "a: 1\n");
  std::filesystem::resize_file(path, (std::uintmax_t{256} << 20) + 1);
  EXPECT_THAT(single_file_problem(path).message, StartsWith("file is larger than 256 MiB"));
}

TEST_F(YamlDocumentFiles, TempFileLoadsWithItsNameInLocations) {
  const std::string path = write("nested.yaml", kNested);
  Diagnostics diagnostics;
  const std::optional<YamlDocument> document = load_yaml_file(path, diagnostics);
  ASSERT_TRUE(document.has_value()) << diagnostics.to_string();
  expect_nested_locations(*document, path);
}

TEST_F(YamlDocumentFiles, ErrorsInAFileNameIt) {
  const std::string path = write("dup.yaml", "a: 1\na: 2\n");
  const Diagnostic problem = single_file_problem(path);
  EXPECT_EQ(format_diagnostic(problem), path + ":2:1: a: duplicate key 'a' (first at line 1)");
}

TEST(YamlDocumentDataFiles, NestedFile) {
  const std::string path = (data_dir() / "nested.yaml").string();
  Diagnostics diagnostics;
  const std::optional<YamlDocument> document = load_yaml_file(path, diagnostics);
  ASSERT_TRUE(document.has_value()) << diagnostics.to_string();
  expect_nested_locations(*document, path);
}

TEST(YamlDocumentDataFiles, InvalidUtf8File) {
  const std::string path = (data_dir() / "invalid_utf8.yaml").string();
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  Diagnostics diagnostics;
  EXPECT_FALSE(load_yaml_file(path, diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1u) << diagnostics.to_string();
  EXPECT_EQ(format_diagnostic(diagnostics.items().front()),
            path + ":2:11: invalid UTF-8 byte 0xFF (expected UTF-8 text)");
}

}  // namespace
}  // namespace circlesim::scenario
