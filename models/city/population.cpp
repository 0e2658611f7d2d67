// Synthesis of residents from group shares (population.hpp): the spec is checked and arranged
// into a draw plan once, membership probabilities are solved once per area (distinct resolved
// shares), and each grid then draws its residents from its own stream.
#include "models/city/population.hpp"

#include <fmt/format.h>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/independent_bits.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <span>
#include <string_view>
#include <tuple>

#include "sim/error.hpp"
#include "sim/huge_pages.hpp"

namespace circlesim::city {

namespace {

// Shares that differ by less than this are equal: scenario shares are decimals whose sums and
// differences carry rounding error.
constexpr double kShareTolerance = 1e-9;
// The fitted probabilities must meet the targets this closely (in shares of the area's residents;
// 1e-9 of 6 M residents is well under one resident).
constexpr double kFitTolerance = 1e-9;
constexpr int kMaxFitIterations = 2000;

// Where a share came from; the most specific one among the groups involved names the area in
// messages.
enum class Level : std::uint8_t { kCity, kDistrict, kCommunity, kGrid };

struct Relation {
  Index group = 0;
  bool parent = false;  // subset_of: the joint is the group's own share
  double joint = 0;     // overlap: the joint against the two groups' `share`
};

// The spec, checked and arranged for drawing.
struct Plan {
  std::vector<Index> order;                    // draw order; group 0 first
  std::vector<std::vector<Relation>> related;  // per group: related groups drawn before it
  std::vector<std::size_t> position;           // per group: its place in `order`
  std::vector<std::size_t> last_use;           // per group: last position relating to it
  std::vector<std::size_t> table_offset;       // per group: first of its 2^k probabilities
  std::size_t table_size = 0;                  // probabilities per area
  GroupMask child_mask = 0;
  GroupMask elderly60_mask = 0;
  GroupMask elderly80_mask = 0;
};

bool is_share(double share) { return share >= 0.0 && share <= 1.0; }  // false for NaN

std::string level_name(Level level) {
  switch (level) {
    case Level::kCity:
      return "city";
    case Level::kDistrict:
      return "district";
    case Level::kCommunity:
      return "community";
    case Level::kGrid:
      return "grid";
  }
  return "";
}

void check_area_shares(const GroupSpec& group, const std::unordered_map<Index, double>& shares,
                       std::size_t count, Level level) {
  for (const auto& [index, share] : shares) {
    CIRCLESIM_REQUIRE(index < count,
                      "group '{}': share_by_{} names {} index {}, but the city has {}", group.id,
                      level_name(level), level_name(level), index, count);
    CIRCLESIM_REQUIRE(is_share(share),
                      "group '{}': share_by_{} for {} index {} must be in [0, 1], got {}", group.id,
                      level_name(level), level_name(level), index, share);
  }
}

// Groups with one of `ids`, and every subset of them (members of a subset are members of the
// group, so they share its age band).
GroupMask age_mask(const PopulationSpec& spec, const std::vector<Index>& order,
                   std::initializer_list<std::string_view> ids) {
  GroupMask mask = 0;
  for (const Index g : order) {
    const GroupSpec& group = spec.groups[g];
    const bool named = std::find(ids.begin(), ids.end(), group.id) != ids.end();
    const bool in_parent = group.subset_of && ((mask >> *group.subset_of) & 1U) != 0;
    if (named || in_parent) mask |= GroupMask{1} << g;
  }
  return mask;
}

// Parents before children; among the groups whose parent is drawn, those with fewer relations
// (listed overlaps and subset links) first, then by index. A group drawn conditionally on others
// ties them together, so drawing the most connected groups last keeps more unlisted pairs
// exactly independent (e.g. riders overlapping children and elderly: children and elderly stay
// independent when riders come after both).
std::vector<Index> draw_order(const PopulationSpec& spec, const std::vector<std::size_t>& degree) {
  const std::size_t n = spec.groups.size();
  std::vector<Index> order;
  order.reserve(n);
  std::vector<bool> placed(n, false);
  while (order.size() < n) {
    std::size_t best = n;
    for (std::size_t g = 0; g < n; ++g) {
      const auto& parent = spec.groups[g].subset_of;
      if (!placed[g] && (!parent || placed[*parent]) && (best == n || degree[g] < degree[best])) {
        best = g;
      }
    }
    if (best < n) {
      placed[best] = true;
      order.push_back(static_cast<Index>(best));
    } else {
      // Every unplaced group has an unplaced parent: following parents from one of them must
      // enter a cycle; name it.
      std::size_t g = 0;
      while (placed[g]) ++g;
      std::vector<std::size_t> path;
      std::vector<bool> seen(n, false);
      while (!seen[g]) {
        seen[g] = true;
        path.push_back(g);
        g = *spec.groups[g].subset_of;
      }
      std::string cycle;
      for (auto it = std::find(path.begin(), path.end(), g); it != path.end(); ++it) {
        cycle += fmt::format("'{}' -> ", spec.groups[*it].id);
      }
      CIRCLESIM_REQUIRE(false, "subset_of forms a cycle: {}'{}'", cycle, spec.groups[g].id);
    }
  }
  return order;
}

Plan make_plan(const City& city, const PopulationSpec& spec) {
  const std::size_t n = spec.groups.size();
  CIRCLESIM_REQUIRE(n >= 1, "the population needs group 0 ('general', every resident)");
  CIRCLESIM_REQUIRE(n <= kMaxGroups, "at most {} population groups are supported, got {}",
                    kMaxGroups, n);
  const GroupSpec& general = spec.groups[0];
  CIRCLESIM_REQUIRE(general.share == 1.0 && !general.subset_of &&
                        general.share_by_district.empty() && general.share_by_community.empty() &&
                        general.share_by_grid.empty(),
                    "group 0 ('{}') is every resident: it must have share 1 (got {}), no "
                    "subset_of and no shares by area",
                    general.id, general.share);

  // Symmetric table of listed joints (NaN: not listed).
  const double unlisted = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> joint(n * n, unlisted);
  for (std::size_t g = 0; g < n; ++g) {
    const GroupSpec& group = spec.groups[g];
    CIRCLESIM_REQUIRE(is_share(group.share), "group '{}': share must be in [0, 1], got {}",
                      group.id, group.share);
    check_area_shares(group, group.share_by_district, city.districts.size(), Level::kDistrict);
    check_area_shares(group, group.share_by_community, city.communities.size(), Level::kCommunity);
    check_area_shares(group, group.share_by_grid, city.grids.size(), Level::kGrid);
    if (group.subset_of) {
      CIRCLESIM_REQUIRE(*group.subset_of < n,
                        "group '{}': subset_of index {} is out of range ({} groups)", group.id,
                        *group.subset_of, n);
      CIRCLESIM_REQUIRE(*group.subset_of != g, "group '{}' cannot be a subset of itself", group.id);
    }
    for (const auto& [other, value] : group.overlaps) {
      CIRCLESIM_REQUIRE(other < n, "group '{}': overlap with index {} is out of range ({} groups)",
                        group.id, other, n);
      CIRCLESIM_REQUIRE(other != g, "group '{}' cannot overlap with itself", group.id);
      const GroupSpec& partner = spec.groups[other];
      CIRCLESIM_REQUIRE(is_share(value), "overlap of '{}' and '{}' must be in [0, 1], got {}",
                        group.id, partner.id, value);
      double& listed = joint[g * n + other];
      CIRCLESIM_REQUIRE(std::isnan(listed) || std::abs(listed - value) <= kShareTolerance,
                        "overlap of '{}' and '{}' is listed twice with different joints: {} and {}",
                        group.id, partner.id, listed, value);
      listed = value;
      joint[other * n + g] = value;
    }
  }

  Plan plan;
  std::vector<std::size_t> degree(n, 0);
  for (std::size_t g = 1; g < n; ++g) {
    for (std::size_t h = 0; h < n; ++h) {
      const bool linked = spec.groups[g].subset_of == h || spec.groups[h].subset_of == g;
      if (h != g && (linked || !std::isnan(joint[g * n + h]))) ++degree[g];
    }
  }
  plan.order = draw_order(spec, degree);  // group 0, every resident, has degree 0: first
  plan.position.assign(n, 0);
  for (std::size_t p = 0; p < n; ++p) plan.position[plan.order[p]] = p;

  // Overlaps given against the groups' `share` must be feasible there.
  for (std::size_t g = 0; g < n; ++g) {
    for (std::size_t h = g + 1; h < n; ++h) {
      const double j = joint[g * n + h];
      if (std::isnan(j)) continue;
      const double sg = spec.groups[g].share;
      const double sh = spec.groups[h].share;
      const double low = std::max(0.0, sg + sh - 1.0);
      CIRCLESIM_REQUIRE(j >= low - kShareTolerance && j <= std::min(sg, sh) + kShareTolerance,
                        "overlap of '{}' and '{}' is {}, but with shares {} and {} it must lie "
                        "between {:.6g} and {:.6g}",
                        spec.groups[g].id, spec.groups[h].id, j, sg, sh, low, std::min(sg, sh));
    }
  }

  plan.related.resize(n);
  plan.last_use.assign(n, 0);
  plan.table_offset.assign(n, 0);
  for (std::size_t p = 1; p < n; ++p) {
    const Index g = plan.order[p];
    const GroupSpec& group = spec.groups[g];
    std::vector<Relation>& related = plan.related[g];
    if (group.subset_of) {
      const Index parent = *group.subset_of;
      const double j = joint[g * n + parent];
      // Listing the parent as an overlap says nothing new, but it must agree.
      CIRCLESIM_REQUIRE(std::isnan(j) || std::abs(j - group.share) <= kShareTolerance,
                        "overlap of '{}' with its parent '{}' must equal the share of '{}' ({}), "
                        "got {}",
                        group.id, spec.groups[parent].id, group.id, group.share, j);
      related.push_back({parent, true, group.share});
    }
    for (std::size_t h = 0; h < n; ++h) {
      const double j = joint[g * n + h];
      if (std::isnan(j) || plan.position[h] > p || (group.subset_of && *group.subset_of == h)) {
        continue;
      }
      related.push_back({static_cast<Index>(h), false, j});
    }
    CIRCLESIM_REQUIRE(related.size() <= kMaxRelatedGroups,
                      "group '{}' is related to {} groups drawn before it (parent and overlaps); "
                      "at most {} are supported",
                      group.id, related.size(), kMaxRelatedGroups);
    for (const Relation& r : related) plan.last_use[r.group] = std::max(plan.last_use[r.group], p);
    plan.table_offset[g] = plan.table_size;
    plan.table_size += std::size_t{1} << related.size();
  }

  plan.child_mask = age_mask(spec, plan.order, {"children", "left_behind_children"});
  plan.elderly60_mask = age_mask(spec, plan.order, {"elderly_60_plus"});
  plan.elderly80_mask = age_mask(spec, plan.order, {"elderly_80_plus"});
  return plan;
}

// A group's share in one grid: the most specific of grid, community, district and city.
std::pair<double, Level> resolve_share(const City& city, const GroupSpec& group, Index grid) {
  if (const auto it = group.share_by_grid.find(grid); it != group.share_by_grid.end()) {
    return {it->second, Level::kGrid};
  }
  const Index community = city.grids[grid].community;
  if (const auto it = group.share_by_community.find(community);
      it != group.share_by_community.end()) {
    return {it->second, Level::kCommunity};
  }
  const Index district = city.communities[community].district;
  if (const auto it = group.share_by_district.find(district); it != group.share_by_district.end()) {
    return {it->second, Level::kDistrict};
  }
  return {group.share, Level::kCity};
}

std::string describe_area(const City& city, Index grid, Level level) {
  const Index community = city.grids[grid].community;
  switch (level) {
    case Level::kCity:
      return "city-wide";
    case Level::kDistrict:
      return fmt::format("in district '{}'",
                         city.districts[city.communities[community].district].id);
    case Level::kCommunity:
      return fmt::format("in community '{}'", city.communities[community].id);
    case Level::kGrid:
      return fmt::format("in grid '{}'", city.grids[grid].id);
  }
  return "";
}

// The joint share of two groups in an area, from the joint given against their `share`
// (sg0, sh0): the pair's odds ratio is kept, which keeps zero joints zero and nesting nested.
double area_joint(double j0, double sg0, double sh0, double sg, double sh) {
  if (sg == sg0 && sh == sh0) return j0;
  if (j0 == 0.0) return 0.0;
  const double b = sg0 - j0;
  const double c = sh0 - j0;
  const double d = 1.0 - sg0 - sh0 + j0;
  if (b <= kShareTolerance) return sg;             // g inside h
  if (c <= kShareTolerance) return sh;             // h inside g
  if (d <= kShareTolerance) return sg + sh - 1.0;  // together they are everyone
  const double odds_ratio = j0 * d / (b * c);
  if (std::abs(odds_ratio - 1.0) < 1e-9) return sg * sh;
  // Plackett: the cell a with a (1 - sg - sh + a) = OR (sg - a) (sh - a), smaller root.
  const double s = 1.0 + (odds_ratio - 1.0) * (sg + sh);
  const double disc = s * s - 4.0 * odds_ratio * (odds_ratio - 1.0) * sg * sh;
  return (s - std::sqrt(std::max(0.0, disc))) / (2.0 * (odds_ratio - 1.0));
}

// Largest miss of the targets by probabilities q over the patterns of the related groups.
double fit_miss(std::span<const double> f, double share, std::span<const double> targets,
                std::span<const double> q) {
  double total = 0;
  std::vector<double> both(targets.size(), 0.0);
  for (std::size_t p = 0; p < f.size(); ++p) {
    const double mass = f[p] * q[p];
    total += mass;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if ((p >> i) & 1U) both[i] += mass;
    }
  }
  double miss = std::abs(total - share);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    miss = std::max(miss, std::abs(both[i] - targets[i]));
  }
  return miss;
}

// Membership probabilities q[p] per pattern p of the k related groups (bit i: in related group
// i), given the patterns' expected frequencies f, so that sum f q = share and, for each i, the
// sum over patterns with bit i of f q = targets[i]. Exact for k <= 1; iterative proportional
// fitting of the 2 x 2^k table (member?, pattern) otherwise, which keeps cells with a zero
// target exactly zero. Returns the largest miss.
double fit_probabilities(std::span<const double> f, double share, std::span<const double> targets,
                         std::span<double> q) {
  const std::size_t k = targets.size();
  const std::size_t n = f.size();
  auto clamp01 = [](double x) { return std::clamp(x, 0.0, 1.0); };
  if (k == 0) {
    q[0] = share;
    return 0.0;
  }
  if (k == 1) {
    const double in = f[1];
    const double out = f[0];
    q[1] = in > 0.0 ? clamp01(targets[0] / in) : 0.0;
    q[0] = out > 0.0 ? clamp01((share - targets[0]) / out) : 0.0;
    return fit_miss(f, share, targets, q);
  }
  std::vector<double> member(n);
  std::vector<double> other(n);
  std::vector<double> related_share(k, 0.0);
  for (std::size_t p = 0; p < n; ++p) {
    member[p] = f[p] * share;
    other[p] = f[p] * (1.0 - share);
    for (std::size_t i = 0; i < k; ++i) {
      if ((p >> i) & 1U) related_share[i] += f[p];
    }
  }
  for (int iteration = 0; iteration < kMaxFitIterations; ++iteration) {
    for (std::size_t i = 0; i < k; ++i) {
      // Scale the four cells of the (member?, in related i?) margin to their targets.
      double sum11 = 0, sum10 = 0, sum01 = 0, sum00 = 0;
      for (std::size_t p = 0; p < n; ++p) {
        if ((p >> i) & 1U) {
          sum11 += member[p];
          sum01 += other[p];
        } else {
          sum10 += member[p];
          sum00 += other[p];
        }
      }
      const double t = targets[i];
      auto ratio = [](double target, double sum) {
        return sum > 0.0 ? std::max(0.0, target) / sum : 0.0;
      };
      const double r11 = ratio(t, sum11);
      const double r10 = ratio(share - t, sum10);
      const double r01 = ratio(related_share[i] - t, sum01);
      const double r00 = ratio(1.0 - share - related_share[i] + t, sum00);
      for (std::size_t p = 0; p < n; ++p) {
        const bool in = ((p >> i) & 1U) != 0;
        member[p] *= in ? r11 : r10;
        other[p] *= in ? r01 : r00;
      }
    }
    // Then the patterns' own frequencies, which keeps every q in [0, 1].
    for (std::size_t p = 0; p < n; ++p) {
      const double sum = member[p] + other[p];
      if (sum > 0.0) {
        member[p] *= f[p] / sum;
        other[p] *= f[p] / sum;
      }
    }
    for (std::size_t p = 0; p < n; ++p) q[p] = f[p] > 0.0 ? clamp01(member[p] / f[p]) : 0.0;
    if (fit_miss(f, share, targets, q) < 1e-14) break;
  }
  return fit_miss(f, share, targets, q);
}

// Pattern of the related groups in a membership mask (bit i: in related group i).
std::size_t pattern_of(GroupMask mask, const std::vector<Relation>& related) {
  std::size_t pattern = 0;
  for (std::size_t i = 0; i < related.size(); ++i) {
    pattern |= static_cast<std::size_t>((mask >> related[i].group) & 1U) << i;
  }
  return pattern;
}

// Solves an area's membership probabilities (plan.table_size entries into `table`) by following
// the exact joint law of the groups still needed by later groups through the draw order.
void solve_area(const City& city, const PopulationSpec& spec, const Plan& plan,
                const std::vector<double>& shares, const std::vector<Level>& levels, Index grid,
                std::span<double> table) {
  std::vector<std::pair<GroupMask, double>> law = {{GroupMask{1}, 1.0}};
  std::vector<std::pair<GroupMask, double>> next;
  std::vector<double> f;
  std::vector<double> targets;
  for (std::size_t p = 1; p < plan.order.size(); ++p) {
    const Index g = plan.order[p];
    const GroupSpec& group = spec.groups[g];
    const std::vector<Relation>& related = plan.related[g];
    const double share = shares[g];

    targets.clear();
    Level level = levels[g];
    for (const Relation& r : related) {
      const GroupSpec& other = spec.groups[r.group];
      const double other_share = shares[r.group];
      const Level pair_level = std::max(levels[g], levels[r.group]);
      level = std::max(level, levels[r.group]);
      if (r.parent) {
        CIRCLESIM_REQUIRE(share <= other_share + kShareTolerance,
                          "group '{}' (share {}) cannot be a subset of '{}' (share {}) {}",
                          group.id, share, other.id, other_share,
                          describe_area(city, grid, pair_level));
        targets.push_back(std::min(share, other_share));
        continue;
      }
      const double j = area_joint(r.joint, group.share, other.share, share, other_share);
      const double low = std::max(0.0, share + other_share - 1.0);
      const double high = std::min(share, other_share);
      CIRCLESIM_REQUIRE(j >= low - kShareTolerance && j <= high + kShareTolerance,
                        "overlap of '{}' and '{}' is {:.6g} {}, but with shares {} and {} there it "
                        "must lie between {:.6g} and {:.6g}",
                        group.id, other.id, j, describe_area(city, grid, pair_level), share,
                        other_share, low, high);
      targets.push_back(std::clamp(j, low, high));
    }

    f.assign(std::size_t{1} << related.size(), 0.0);
    for (const auto& [mask, probability] : law) f[pattern_of(mask, related)] += probability;
    const std::span<double> q = table.subspan(plan.table_offset[g], f.size());
    const double miss = fit_probabilities(f, share, targets, q);
    if (miss > kFitTolerance) {
      std::string relations;
      for (std::size_t i = 0; i < related.size(); ++i) {
        relations += fmt::format("{}'{}' ({} {:.6g}, share {:.6g})", i == 0 ? "" : ", ",
                                 spec.groups[related[i].group].id,
                                 related[i].parent ? "parent, joint" : "joint", targets[i],
                                 shares[related[i].group]);
      }
      CIRCLESIM_REQUIRE(false,
                        "group '{}' (share {}) {} cannot meet its joint shares with {} given how "
                        "those groups overlap (closest fit misses by {:.3g})",
                        group.id, share, describe_area(city, grid, level), relations, miss);
    }

    // Carry the joint law forward: split on g if a later group relates to g, then forget the
    // groups no later group needs.
    GroupMask forget = 0;
    for (const Relation& r : related) {
      if (plan.last_use[r.group] == p && r.group != 0) forget |= GroupMask{1} << r.group;
    }
    const bool keep = plan.last_use[g] > p;
    if (!keep && forget == 0) continue;
    next.clear();
    for (const auto& [mask, probability] : law) {
      const GroupMask base = mask & ~forget;
      if (!keep) {
        next.emplace_back(base, probability);
        continue;
      }
      const double in = probability * q[pattern_of(mask, related)];
      if (in > 0.0) next.emplace_back(base | (GroupMask{1} << g), in);
      if (probability - in > 0.0) next.emplace_back(base, probability - in);
    }
    std::sort(next.begin(), next.end());
    law.clear();
    for (const auto& entry : next) {
      if (!law.empty() && law.back().first == entry.first) {
        law.back().second += entry.second;
      } else {
        law.push_back(entry);
      }
    }
    CIRCLESIM_REQUIRE(law.size() <= kMaxJointPatterns,
                      "the overlaps among population groups are too entangled: the groups still "
                      "needed after '{}' have {} joint patterns (at most {} are supported)",
                      group.id, law.size(), kMaxJointPatterns);
  }
}

// One step of a resident's draw, flattened for the hot loop.
struct Step {
  Index group = 0;
  std::uint32_t first_related = 0;  // into Steps::related_bits
  std::uint32_t related_count = 0;
  std::uint32_t table_offset = 0;
};

}  // namespace

double Residents::bytes_per_resident() const {
  if (size() == 0) return 0.0;
  const std::size_t bytes =
      first_of_grid.capacity() * sizeof(std::uint64_t) + grid.capacity() * sizeof(Index) +
      age_band.capacity() * sizeof(AgeBand) + groups.capacity() * sizeof(GroupMask);
  return static_cast<double>(bytes) / static_cast<double>(size());
}

Residents synthesize_residents(const City& city, const PopulationSpec& spec,
                               const sim::RandomStreams& streams) {
  CIRCLESIM_REQUIRE(city.grids.size() <= std::numeric_limits<Index>::max(),
                    "at most {} grids are supported, got {}", std::numeric_limits<Index>::max(),
                    city.grids.size());
  std::uint64_t total = 0;
  for (std::size_t g = 0; g < city.grids.size(); ++g) {
    const Grid& grid = city.grids[g];
    CIRCLESIM_REQUIRE(grid.population >= 0, "grid '{}' has a negative population: {}", grid.id,
                      grid.population);
    CIRCLESIM_REQUIRE(grid.community < city.communities.size() &&
                          city.communities[grid.community].district < city.districts.size(),
                      "grid '{}' links to community index {}, which is out of range or in no "
                      "district",
                      grid.id, grid.community);
    total += static_cast<std::uint64_t>(grid.population);
  }
  const Plan plan = make_plan(city, spec);
  const std::size_t n = spec.groups.size();

  // Areas: grids with equal resolved shares share one table of probabilities.
  std::map<std::vector<double>, std::uint32_t> area_of_shares;
  std::vector<std::uint32_t> area_of_grid(city.grids.size());
  std::vector<double> tables;
  std::vector<double> shares(n);
  std::vector<Level> levels(n);
  for (std::size_t g = 0; g < city.grids.size(); ++g) {
    for (std::size_t k = 0; k < n; ++k) {
      std::tie(shares[k], levels[k]) = resolve_share(city, spec.groups[k], static_cast<Index>(g));
    }
    const auto [it, added] =
        area_of_shares.try_emplace(shares, static_cast<std::uint32_t>(area_of_shares.size()));
    if (added) {
      tables.resize(tables.size() + plan.table_size);
      solve_area(city, spec, plan, shares, levels, static_cast<Index>(g),
                 std::span<double>(tables).subspan(tables.size() - plan.table_size));
    }
    area_of_grid[g] = it->second;
  }

  std::vector<Step> steps;
  std::vector<std::uint8_t> related_bits;
  for (std::size_t p = 1; p < plan.order.size(); ++p) {
    const Index g = plan.order[p];
    steps.push_back({g, static_cast<std::uint32_t>(related_bits.size()),
                     static_cast<std::uint32_t>(plan.related[g].size()),
                     static_cast<std::uint32_t>(plan.table_offset[g])});
    for (const Relation& r : plan.related[g]) {
      related_bits.push_back(static_cast<std::uint8_t>(r.group));
    }
  }

  Residents residents;
  residents.first_of_grid.resize(city.grids.size() + 1);
  // Requests read these at random among millions of residents: huge pages spare a TLB miss each.
  sim::reserve_on_huge_pages(residents.grid, total);
  sim::reserve_on_huge_pages(residents.age_band, total);
  sim::reserve_on_huge_pages(residents.groups, total);
  residents.grid.resize(total);
  residents.age_band.resize(total);
  residents.groups.resize(total);
  std::uint64_t next = 0;
  for (std::size_t g = 0; g < city.grids.size(); ++g) {
    residents.first_of_grid[g] = next;
    next += static_cast<std::uint64_t>(city.grids[g].population);
  }
  residents.first_of_grid[city.grids.size()] = next;

  // Each grid only reads shared immutable data and writes its own slice, so grids are
  // independent of each other and of the order they are drawn in.
  for (std::size_t g = 0; g < city.grids.size(); ++g) {
    const std::uint64_t begin = residents.first_of_grid[g];
    const std::uint64_t end = residents.first_of_grid[g + 1];
    if (begin == end) continue;
    // 63-bit draws from the grid's stream: Bernoulli converts each draw to double, and a value
    // below 2^63 converts without the unpredictable branch that a full 64-bit one costs (this
    // loop is 40% faster).
    boost::random::independent_bits_engine<sim::RandomEngine, 63, std::uint64_t> engine(
        streams.stream("residents", g));
    const double* table = tables.data() + std::size_t{area_of_grid[g]} * plan.table_size;
    for (std::uint64_t i = begin; i < end; ++i) {
      GroupMask mask = 1;  // everyone is in `general`
      for (const Step& step : steps) {
        std::size_t pattern = 0;
        for (std::uint32_t r = 0; r < step.related_count; ++r) {
          pattern |= static_cast<std::size_t>((mask >> related_bits[step.first_related + r]) & 1U)
                     << r;
        }
        const double q = table[step.table_offset + pattern];
        // Certain outcomes draw nothing, which keeps zero joints and subsets exact.
        if (q >= 1.0 || (q > 0.0 && boost::random::bernoulli_distribution<double>(q)(engine))) {
          mask |= GroupMask{1} << step.group;
        }
      }
      residents.groups[i] = mask;
      residents.grid[i] = static_cast<Index>(g);
      residents.age_band[i] = (mask & plan.elderly80_mask) != 0   ? AgeBand::kElderly80
                              : (mask & plan.elderly60_mask) != 0 ? AgeBand::kElderly60
                              : (mask & plan.child_mask) != 0     ? AgeBand::kChild
                                                                  : AgeBand::kAdult;
    }
  }
  return residents;
}

}  // namespace circlesim::city
