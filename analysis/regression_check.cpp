// Approved KPI values against a new run's widened confidence intervals.
#include "analysis/regression_check.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "sim/error.hpp"

namespace circlesim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double KpiTolerance::width(double approved) const {
  if (!std::isfinite(approved)) return 0.0;
  return absolute + relative * std::abs(approved);
}

void require_valid(const KpiTolerance& tolerance) {
  CIRCLESIM_REQUIRE(std::isfinite(tolerance.absolute) && tolerance.absolute >= 0.0,
                    "absolute tolerance must be >= 0 and finite, got {}", tolerance.absolute);
  CIRCLESIM_REQUIRE(std::isfinite(tolerance.relative) && tolerance.relative >= 0.0,
                    "relative tolerance must be >= 0 and finite, got {}", tolerance.relative);
}

KpiCheck check_kpi(double approved, const KpiTolerance& tolerance, const SampleSummary* observed) {
  require_valid(tolerance);
  KpiCheck check{
      .verdict = KpiVerdict::kFail, .allowed_low = kNaN, .allowed_high = kNaN, .reason = {}};
  if (observed == nullptr) {
    check.verdict = KpiVerdict::kMissing;
    check.reason = "missing: the new run has no such measure";
    return check;
  }
  if (std::isnan(approved)) {
    // Approved as undefined (e.g. the mean wait of a room nobody used): a value appearing is a
    // change of behaviour, not noise.
    if (observed->n == 0) {
      check.verdict = KpiVerdict::kPass;
    } else {
      check.reason =
          fmt::format("approved as undefined (NaN), now defined in {} replications", observed->n);
    }
    return check;
  }
  if (!std::isfinite(approved)) {
    check.reason = fmt::format("approved value {} is not a number that can be checked", approved);
    return check;
  }
  if (observed->n == 0) {
    check.reason = fmt::format("undefined (NaN) in all {} replications", observed->undefined);
    return check;
  }
  if (observed->n < 2 || !std::isfinite(observed->ci_low) || !std::isfinite(observed->ci_high)) {
    check.reason =
        fmt::format("a value in only {} replication: no confidence interval", observed->n);
    return check;
  }
  const double width = tolerance.width(approved);
  check.allowed_low = observed->ci_low - width;
  check.allowed_high = observed->ci_high + width;
  if (approved >= check.allowed_low && approved <= check.allowed_high) {
    check.verdict = KpiVerdict::kPass;
  } else {
    check.reason = fmt::format("approved value {:.6g} lies {} the allowed range [{:.6g}, {:.6g}]",
                               approved, approved < check.allowed_low ? "below" : "above",
                               check.allowed_low, check.allowed_high);
  }
  return check;
}

}  // namespace circlesim::analysis
