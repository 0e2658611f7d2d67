// The rule of CI regression (DESIGN.md section 6): an approved KPI value passes when it lies
// inside the new run's confidence interval widened by the KPI's tolerance. Domain-free: it
// compares a number with the summary of a sample (analysis/trace_summary.hpp), so it is tested
// without running anything.
//
// The interval covers the new mean's noise; the tolerance covers the approved value's own noise
// (it was a mean of replications too) and any difference the case's author accepts, in the KPI's
// unit (absolute) and as a share of the approved value (relative). docs/regression.md explains
// how to choose it.
#pragma once

#include <string>

#include "analysis/trace_summary.hpp"

namespace circlesim::analysis {

// How far outside the new interval an approved value may lie: absolute + relative x |approved|
// (both >= 0 and finite; numpy.isclose combines them the same way).
struct KpiTolerance {
  double absolute = 0.0;
  double relative = 0.0;

  // The widening for `approved` (0 for an undefined approved value).
  [[nodiscard]] double width(double approved) const;
};

// Throws sim::InvalidParameter, naming the bad part, unless both parts are >= 0 and finite.
void require_valid(const KpiTolerance& tolerance);

enum class KpiVerdict {
  kPass,
  kFail,     // the approved value lies outside the widened interval, or cannot be checked
  kMissing,  // the new run has no such measure: a failure too
};

struct KpiCheck {
  KpiVerdict verdict = KpiVerdict::kFail;
  // The new interval widened by the tolerance; NaN when there is no interval.
  double allowed_low;
  double allowed_high;
  std::string reason;  // why it did not pass; empty when it passed

  [[nodiscard]] bool passed() const { return verdict == KpiVerdict::kPass; }
};

// Checks `approved` (NaN: approved as undefined, i.e. no replication had a value) against the new
// replications' summary `observed` (nullptr: the measure is missing). Rules, in order:
// - missing measure: kMissing;
// - approved NaN: passes only while no replication has a value;
// - no finite value in the new run, or only one (no interval): fails;
// - otherwise passes iff ci_low - w <= approved <= ci_high + w, w = tolerance.width(approved).
// Replications whose value is NaN are left out of `observed` (trace_summary.hpp) and do not
// decide the verdict on their own.
[[nodiscard]] KpiCheck check_kpi(double approved, const KpiTolerance& tolerance,
                                 const SampleSummary* observed);

}  // namespace circlesim::analysis
