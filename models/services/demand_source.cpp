// DemandSource (demand_source.hpp).
#include "models/services/demand_source.hpp"

#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <algorithm>

#include "models/scenario/rate_profile.hpp"

namespace circlesim::services {

DemandSource::DemandSource(sim::Simulation& sim, CityFlow& flow, const scenario::Scenario& scenario,
                           const city::City& city, const city::Residents& residents,
                           const std::vector<std::uint32_t>* members, std::size_t service,
                           std::size_t stream, const sim::RandomStreams& streams, sim::Time end)
    : flow_(flow),
      service_(scenario.services[service]),
      city_(city),
      residents_(residents),
      members_(members),
      service_index_(service),
      group_(static_cast<std::uint16_t>(scenario.services[service].demand[stream].group)),
      arrivals_(streams.stream("demand", service * 1024 + stream)),
      attributes_(streams.stream("request_attributes", service * 1024 + stream)),
      thinning_(streams.stream("shock_thinning", service * 1024 + stream)),
      surges_(scenario.services[service].demand[stream].district_surges),
      end_(end),
      handler_(sim.add_handler(*this)) {
  const scenario::DemandStream& d = service_.demand[stream];
  const double askers = !d.per_member         ? static_cast<double>(city.communities.size())
                        : members_ != nullptr ? static_cast<double>(members_->size())
                                              : static_cast<double>(residents.size());
  const double rate = d.rate_per_minute * askers;
  if (rate <= 0) return;  // nobody to ask: the stream is silent
  if (d.profile) {
    profiled_.emplace(scenario::to_rate_profile(*d.profile, rate, scenario.run.start_weekday,
                                                scenario.services[service].id));
  } else {
    constant_.emplace(rate);
  }
  per_member_ = d.per_member;
  ahead_at_ = profiled_ ? profiled_->next_after(sim.now(), arrivals_)
                        : constant_->next_after(sim.now(), arrivals_);
  if (ahead_at_ <= end_) ahead_drawn_ = draw_requester();
  advance(sim);
}

void DemandSource::advance(sim::Simulation& sim) {
  const sim::Time at = ahead_at_;
  if (at > end_) return;
  sim.post_at(at, handler_, 0, 0);
  // Who will ask was drawn ahead so that their records can be on their way into the cache while
  // other events run: residents are chosen at random among millions, and these three loads are
  // otherwise a cache miss each.
  next_resident_ = resolve(ahead_drawn_);
  if (next_resident_ != kNone) {
    __builtin_prefetch(&residents_.grid[next_resident_]);
    __builtin_prefetch(&residents_.groups[next_resident_]);
    __builtin_prefetch(&residents_.age_band[next_resident_]);
  }
  // The arrival after: drawn from the time of this one, as it would be when this one happens.
  ahead_at_ =
      profiled_ ? profiled_->next_after(at, arrivals_) : constant_->next_after(at, arrivals_);
  if (ahead_at_ > end_) return;
  ahead_drawn_ = draw_requester();
  if (per_member_ && members_ != nullptr) __builtin_prefetch(&(*members_)[ahead_drawn_]);
}

std::uint32_t DemandSource::resolve(std::uint32_t drawn) const {
  return per_member_ && members_ != nullptr ? (*members_)[drawn] : drawn;
}

std::uint32_t DemandSource::draw_requester() {
  using Uniform = boost::random::uniform_int_distribution<std::uint64_t>;
  if (per_member_) {
    if (members_ != nullptr) {
      return static_cast<std::uint32_t>(Uniform(0, members_->size() - 1)(arrivals_));
    }
    return static_cast<std::uint32_t>(Uniform(0, residents_.size() - 1)(arrivals_));
  }
  const city::Community& c = city_.communities[Uniform(0, city_.communities.size() - 1)(arrivals_)];
  const std::uint64_t first = residents_.first_of_grid[c.first_grid];
  const std::uint64_t last = residents_.first_of_grid[c.first_grid + c.grid_count];
  if (first == last) return kNone;  // a community without residents asks nothing
  return static_cast<std::uint32_t>(Uniform(first, last - 1)(arrivals_));
}

void DemandSource::handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) {
  const std::uint32_t resident = next_resident_;
  const sim::Time duration = service_.duration.sample(attributes_);
  const sim::Time patience =
      service_.patience ? std::max(service_.patience->sample(attributes_), 1e-9) : sim::kNever;
  const bool escalate =
      boost::random::uniform_01<double>()(attributes_) < service_.escalation.probability;
  // Drawn only for services that send requests onward, so that others' streams stay as they were.
  const bool onward =
      service_.escalation.onward_probability > 0 &&
      boost::random::uniform_01<double>()(attributes_) < service_.escalation.onward_probability;
  if (resident != kNone && kept_by_surges(sim.now(), resident)) {
    flow_.request(service_index_, group_, resident, duration, patience, escalate, onward);
  }
  advance(sim);
}

bool DemandSource::kept_by_surges(sim::Time now, std::uint32_t resident) {
  if (surges_.empty()) return true;
  double keep = 1;
  for (const scenario::DemandStream::DistrictSurge& surge : surges_) {
    if (now < surge.from || now >= surge.to) continue;
    const city::Index district =
        city_.communities[city_.grids[residents_.grid[resident]].community].district;
    // The profile carries max(factor, 1): thin down to the factor here, or to 1 elsewhere.
    keep *= (surge.in_district[district] ? surge.factor : 1.0) / std::max(surge.factor, 1.0);
  }
  // Drawn only inside a surge, so that other times keep their draws.
  return keep >= 1.0 || boost::random::uniform_01<double>()(thinning_) < keep;
}

}  // namespace circlesim::services
