// Residents as individual records, in struct-of-arrays form so that a city of millions stays
// small (13 bytes a resident) and a pass over one attribute streams through memory.
// Residents are synthesised from the scenario's group shares with the replication's own
// random stream: a replication draws its own population, and common random numbers across
// variants give every variant the same residents.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/city/geography.hpp"
#include "sim/random_stream.hpp"

namespace circlesim::city {

// At most 64 groups (one bit each), `general` (every resident) included.
inline constexpr std::size_t kMaxGroups = 64;
using GroupMask = std::uint64_t;
// Limits of the joint structure: a group is drawn conditionally on at most this many related
// groups (2^k membership probabilities per area), ...
inline constexpr std::size_t kMaxRelatedGroups = 12;
// ... and the joint law of the groups still needed by later groups has at most this many
// patterns of positive probability.
inline constexpr std::size_t kMaxJointPatterns = std::size_t{1} << 20;

struct GroupSpec {
  std::string id;
  std::string name;
  double share = 0;                // of all residents
  std::optional<Index> subset_of;  // index of a group that contains this one entirely
  // Share of all residents in both this group and another (index), as given in the scenario,
  // against the two groups' `share`. An area whose shares differ keeps the pair's odds ratio
  // (so a joint of 0 stays exactly 0, a nested pair stays nested, an independent pair stays
  // independent). A pair may be listed on either side or both (then with the same joint).
  // Pairs not listed are drawn independently given the groups each one is related to.
  std::vector<std::pair<Index, double>> overlaps;
  // Shares that differ by area: the most specific applies (grid, community, district, share).
  std::unordered_map<Index, double> share_by_district;
  std::unordered_map<Index, double> share_by_community;
  std::unordered_map<Index, double> share_by_grid;
};

// Group 0 is always `general`, share 1, every resident.
struct PopulationSpec {
  std::vector<GroupSpec> groups;
};

// Age bands, from the groups when the scenario has them: kElderly80 for members of
// `elderly_80_plus`, else kElderly60 for members of `elderly_60_plus`, else kChild for members
// of `children` or `left_behind_children`; members of a subset of one of these groups (e.g.
// `empty_nest_elderly` subset_of `elderly_60_plus`) get its band. Everyone else is an adult.
enum class AgeBand : std::uint8_t { kChild, kAdult, kElderly60, kElderly80 };

struct Residents {
  // Residents are stored grid by grid: grid g's residents are [first_of_grid[g],
  // first_of_grid[g + 1]).
  std::vector<std::uint64_t> first_of_grid;  // grids + 1 entries
  std::vector<Index> grid;                   // home grid
  std::vector<AgeBand> age_band;
  std::vector<GroupMask> groups;  // bit k set: member of group k

  [[nodiscard]] std::size_t size() const { return grid.size(); }
  [[nodiscard]] bool in_group(std::size_t resident, Index group) const {
    return (groups[resident] >> group) & 1U;
  }
  // Bytes held by the vectors (their capacity) per resident, for the memory budget; 0 when there
  // are no residents.
  [[nodiscard]] double bytes_per_resident() const;
};

// Draws every grid's residents (the grid's population, exactly) with their group memberships.
// Grid g draws from streams.stream("residents", g), so a grid's residents do not depend on the
// other grids (and grids may be drawn in parallel with identical results).
//
// Groups are drawn parents first (subset_of), otherwise those with fewer listed relations first,
// then by index; each group is drawn conditionally on the pattern of its related groups already
// drawn (its parent and the overlap partners drawn before it). For every area (distinct resolved
// shares) the exact joint law of the groups drawn so far gives the expected frequency of each
// pattern; the membership probability per pattern is then solved exactly (one related group) or by
// iterative proportional fitting (several), so that the group's share and its joint share with each
// related group hold in expectation. A zero joint is exact (never both) and a subset is strict
// (never in the child without the parent). Unlisted pairs carry no constraint: a group is
// independent of every earlier group given its related groups, so two unlisted groups are
// exactly independent unless listed relations tie them (e.g. riders inside workers and disjoint
// from children makes workers and children, if children are drawn after riders, dependent; the
// draw order avoids this where it can).
//
// Throws sim::InvalidParameter naming the groups, area and numbers when the spec is invalid or
// infeasible: more than kMaxGroups groups, group 0 without share 1, a share outside [0, 1], an
// area index out of range, subset_of out of range or in a cycle, an overlap of a group with
// itself or out of range or listed twice with different joints, a child larger than its parent
// or a joint outside its Frechet bounds in some area, several related groups whose constraints
// cannot all hold, more than kMaxRelatedGroups related groups, or a joint law with more than
// kMaxJointPatterns patterns of live groups.
Residents synthesize_residents(const City& city, const PopulationSpec& spec,
                               const sim::RandomStreams& streams);

}  // namespace circlesim::city
