// Summaries of scalar measures across replications: statistics against hand computation,
// undefined values, grouping of records by (name, entity, id), filters and lookup names.
#include "analysis/trace_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::circlesim::sim::trace::ScalarRecord;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

ScalarRecord record(std::string name, std::string entity, std::uint32_t id, double value,
                    std::string unit = "min") {
  return ScalarRecord{std::move(name), std::move(entity), id, value, std::move(unit)};
}

TEST(SummarizeSample, ThreeValuesAt95Percent) {
  // 2, 4, 9: mean 5, s^2 = (9 + 1 + 16) / 2 = 13; t_{0.975, 2} = 4.3026527297494619.
  const std::vector<double> values{2, 4, 9};
  const SampleSummary s = summarize_sample(values, 0.95);
  const double half_width = 4.3026527297494619 * std::sqrt(13.0) / std::sqrt(3.0);
  EXPECT_EQ(s.n, 3u);
  EXPECT_EQ(s.undefined, 0u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(13.0));
  EXPECT_NEAR(s.ci_low, 5.0 - half_width, 1e-12);
  EXPECT_NEAR(s.ci_high, 5.0 + half_width, 1e-12);
  EXPECT_NEAR(s.ci_high, 13.956686, 1e-6);
}

TEST(SummarizeSample, FourValuesAt90Percent) {
  // 10, 12, 14, 16: mean 13, s^2 = 20 / 3; t_{0.95, 3} = 2.3533634348018233.
  const std::vector<double> values{10, 12, 14, 16};
  const SampleSummary s = summarize_sample(values, 0.90);
  const double half_width = 2.3533634348018233 * std::sqrt(20.0 / 3.0) / 2.0;
  EXPECT_DOUBLE_EQ(s.mean, 13.0);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(20.0 / 3.0));
  EXPECT_NEAR(s.ci_low, 13.0 - half_width, 1e-12);
  EXPECT_NEAR(s.ci_high, 13.0 + half_width, 1e-12);
}

TEST(SummarizeSample, FiveValuesAt99Percent) {
  // 1..5: mean 3, s^2 = 2.5; t_{0.995, 4} = 4.6040948713499921.
  const std::vector<double> values{1, 2, 3, 4, 5};
  const SampleSummary s = summarize_sample(values, 0.99);
  const double half_width = 4.6040948713499921 * std::sqrt(2.5) / std::sqrt(5.0);
  EXPECT_DOUBLE_EQ(s.mean, 3.0);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(2.5));
  EXPECT_NEAR(s.ci_low, 3.0 - half_width, 1e-12);
  EXPECT_NEAR(s.ci_high, 3.0 + half_width, 1e-12);
}

TEST(SummarizeSample, NaNAndInfinityAreLeftOutAndCounted) {
  const std::vector<double> values{kNaN, 2, 4, std::numeric_limits<double>::infinity(), 9, kNaN};
  const SampleSummary s = summarize_sample(values, 0.95);
  EXPECT_EQ(s.n, 3u);
  EXPECT_EQ(s.undefined, 3u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);  // as for 2, 4, 9 alone
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(13.0));
}

TEST(SummarizeSample, OneValueHasAMeanButNoSpread) {
  const std::vector<double> values{kNaN, 7.5};
  const SampleSummary s = summarize_sample(values, 0.95);
  EXPECT_EQ(s.n, 1u);
  EXPECT_EQ(s.undefined, 1u);
  EXPECT_DOUBLE_EQ(s.mean, 7.5);
  EXPECT_TRUE(std::isnan(s.sd));
  EXPECT_TRUE(std::isnan(s.ci_low));
  EXPECT_TRUE(std::isnan(s.ci_high));
}

TEST(SummarizeSample, OnlyNaNGivesNoMean) {
  const std::vector<double> values{kNaN, kNaN, kNaN};
  const SampleSummary s = summarize_sample(values, 0.95);
  EXPECT_EQ(s.n, 0u);
  EXPECT_EQ(s.undefined, 3u);
  EXPECT_TRUE(std::isnan(s.mean));
  EXPECT_TRUE(std::isnan(s.sd));
}

TEST(SummarizeSample, ConstantValuesGiveAZeroWidthInterval) {
  const std::vector<double> values{4.25, 4.25, 4.25};
  const SampleSummary s = summarize_sample(values, 0.95);
  EXPECT_DOUBLE_EQ(s.sd, 0.0);
  EXPECT_DOUBLE_EQ(s.ci_low, 4.25);
  EXPECT_DOUBLE_EQ(s.ci_high, 4.25);
}

TEST(SummarizeSample, RejectsALevelOutsideZeroToOne) {
  const std::vector<double> values{1, 2, 3};
  EXPECT_THAT([&] { (void)summarize_sample(values, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("confidence level must be in (0, 1)")));
  EXPECT_THROW((void)summarize_sample(values, 0.0), InvalidParameter);
}

TEST(ScalarSummarizer, GroupsRecordsByNameEntityAndId) {
  ScalarSummarizer summarizer;
  summarizer.add_replication(std::vector{record("mean_wait", "service", 0, 2.0),
                                         record("mean_wait", "service", 1, 10.0),
                                         record("mean_wait", "room", 0, 100.0)});
  summarizer.add_replication(std::vector{record("mean_wait", "service", 0, 4.0),
                                         record("mean_wait", "service", 1, 20.0),
                                         record("mean_wait", "room", 0, 200.0)});
  summarizer.add_replication(std::vector{record("mean_wait", "service", 0, 9.0),
                                         record("mean_wait", "service", 1, 30.0),
                                         record("mean_wait", "room", 0, 300.0)});
  EXPECT_EQ(summarizer.replications(), 3u);
  const std::vector<ScalarSummary> summaries = summarizer.summarize(0.95);
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_EQ(summaries[0].key, (ScalarKey{"mean_wait", "service", 0}));
  EXPECT_DOUBLE_EQ(summaries[0].stats.mean, 5.0);
  EXPECT_DOUBLE_EQ(summaries[0].stats.sd, std::sqrt(13.0));
  EXPECT_EQ(summaries[0].unit, "min");
  EXPECT_EQ(summaries[1].key, (ScalarKey{"mean_wait", "service", 1}));
  EXPECT_DOUBLE_EQ(summaries[1].stats.mean, 20.0);
  EXPECT_EQ(summaries[2].key, (ScalarKey{"mean_wait", "room", 0}));
  EXPECT_DOUBLE_EQ(summaries[2].stats.mean, 200.0);
  EXPECT_DOUBLE_EQ(summaries[2].stats.sd, 100.0);
  for (const ScalarSummary& s : summaries) EXPECT_EQ(s.missing, 0u);
}

TEST(ScalarSummarizer, MatchesRecordsListedInADifferentOrder) {
  ScalarSummarizer summarizer;
  summarizer.add_replication(std::vector{record("a", "run", 0, 1.0), record("b", "run", 0, 10.0)});
  summarizer.add_replication(std::vector{record("b", "run", 0, 30.0), record("a", "run", 0, 3.0)});
  const std::vector<ScalarSummary> summaries = summarizer.summarize(0.95);
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(summaries[0].key.name, "a");  // order of first appearance
  EXPECT_DOUBLE_EQ(summaries[0].stats.mean, 2.0);
  EXPECT_EQ(summaries[1].key.name, "b");
  EXPECT_DOUBLE_EQ(summaries[1].stats.mean, 20.0);
}

TEST(ScalarSummarizer, CountsMissingAndUndefinedSeparately) {
  ScalarSummarizer summarizer;
  summarizer.add_replication(std::vector{record("utilisation_on_duty", "room", 3, kNaN, "share"),
                                         record("served", "room", 3, 5.0, "count")});
  summarizer.add_replication(std::vector{record("utilisation_on_duty", "room", 3, 0.5, "share"),
                                         record("served", "room", 3, 7.0, "count")});
  // A later model's measure that the first replications did not write.
  summarizer.add_replication(std::vector{record("utilisation_on_duty", "room", 3, 0.7, "share"),
                                         record("served", "room", 3, 9.0, "count"),
                                         record("home.response_mean", "service", 0, 12.0)});
  const std::vector<ScalarSummary> summaries = summarizer.summarize(0.95);
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_EQ(summaries[0].stats.n, 2u);
  EXPECT_EQ(summaries[0].stats.undefined, 1u);
  EXPECT_EQ(summaries[0].missing, 0u);
  EXPECT_DOUBLE_EQ(summaries[0].stats.mean, 0.6);
  EXPECT_EQ(summaries[1].stats.n, 3u);
  EXPECT_DOUBLE_EQ(summaries[1].stats.mean, 7.0);
  EXPECT_EQ(summaries[2].key.name, "home.response_mean");
  EXPECT_EQ(summaries[2].stats.n, 1u);
  EXPECT_EQ(summaries[2].missing, 2u);
}

TEST(ScalarSummarizer, KeepsTheFirstOfARepeatedRecord) {
  ScalarSummarizer summarizer;
  summarizer.add_replication(
      std::vector{record("served", "run", 0, 1.0), record("served", "run", 0, 99.0)});
  summarizer.add_replication(std::vector{record("served", "run", 0, 3.0)});
  EXPECT_EQ(summarizer.duplicate_records(), 1u);
  const std::vector<ScalarSummary> summaries = summarizer.summarize(0.95);
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].stats.n, 2u);
  EXPECT_DOUBLE_EQ(summaries[0].stats.mean, 2.0);
}

TEST(ScalarSummarizer, NoReplicationsGiveNoMeasures) {
  const ScalarSummarizer summarizer;
  EXPECT_TRUE(summarizer.summarize(0.95).empty());
  EXPECT_EQ(summarizer.replications(), 0u);
}

TEST(ScalarFilter, EmptyAcceptsEverything) {
  const ScalarFilter filter;
  EXPECT_TRUE(filter.accepts({"mean_wait", "service", 0}));
}

TEST(ScalarFilter, EntityAndNamePrefixMustBothMatch) {
  const ScalarFilter filter{{"service", "group"}, {"mean_", "p90"}};
  EXPECT_TRUE(filter.accepts({"mean_wait", "service", 0}));
  EXPECT_TRUE(filter.accepts({"p90_wait", "group", 2}));
  EXPECT_FALSE(filter.accepts({"mean_wait", "room", 0}));
  EXPECT_FALSE(filter.accepts({"served", "service", 0}));
  EXPECT_FALSE(filter.accepts({"first.mean_wait", "service", 0}));
}

TEST(LookupKindFor, FindsTheEntityOrItsPlural) {
  const std::vector<std::string> kinds{"communities", "facilities", "red_stations",
                                       "rooms",       "services",   "staff"};
  EXPECT_EQ(lookup_kind_for("service", kinds), "services");
  EXPECT_EQ(lookup_kind_for("facility", kinds), "facilities");
  EXPECT_EQ(lookup_kind_for("community", kinds), "communities");
  EXPECT_EQ(lookup_kind_for("red_station", kinds), "red_stations");
  EXPECT_EQ(lookup_kind_for("staff", kinds), "staff");
  EXPECT_EQ(lookup_kind_for("run", kinds), std::nullopt);
  EXPECT_EQ(lookup_kind_for("district", kinds), std::nullopt);
}

TEST(EntityLabel, NamesAnIdOrShowsItsNumber) {
  const std::vector<std::string> names{"walk_in", "one_button_help"};
  EXPECT_EQ(entity_label(1, names), "one_button_help");
  EXPECT_EQ(entity_label(2, names), "2");
  EXPECT_EQ(entity_label(0, {}), "0");
}

}  // namespace
}  // namespace circlesim::analysis
