// to_rate_profile (rate_profile.hpp).
#include "models/scenario/rate_profile.hpp"

#include <algorithm>

namespace circlesim::scenario {

sim::RateProfile to_rate_profile(const Profile& profile, double rate, int start_weekday,
                                 std::string_view service_id) {
  sim::RateProfile made(rate, profile.daily.empty() ? std::vector<double>{1.0} : profile.daily,
                        profile.weekday_factors, start_weekday);
  for (const Profile::Shock& shock : profile.shocks) {
    const bool applies =
        shock.services.empty() ||
        std::find(shock.services.begin(), shock.services.end(), service_id) != shock.services.end();
    if (applies) made.add_shock(shock.from, shock.to, shock.factor);
  }
  return made;
}

}  // namespace circlesim::scenario
