// Tests of sim/huge_pages: a vector reserved on huge pages is backed by them where the kernel
// offers transparent huge pages on request (Debian's default `madvise` setting, or `always`).
#include "sim/huge_pages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace circlesim::sim {
namespace {

// The kernel's THP setting, e.g. "always [madvise] never"; empty where there is none.
std::string transparent_huge_page_setting() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(in, line);
  return line;
}

// KiB of huge pages in the mapping of this process that holds `address` (/proc/self/smaps).
long huge_kib_of_mapping_at(const void* address) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long from = 0;
    unsigned long to = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2 && line.find(':') != 5) {
      inside = from <= a && a < to;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) {
      std::istringstream fields(line.substr(14));
      long kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return -1;
}

TEST(HugePagesTest, AReservedVectorIsBackedByHugePagesWhereTheKernelOffersThem) {
  const std::string setting = transparent_huge_page_setting();
  if (setting.find("[madvise]") == std::string::npos &&
      setting.find("[always]") == std::string::npos) {
    GTEST_SKIP() << "transparent huge pages not offered on request here: '" << setting << "'";
  }
  std::vector<std::uint32_t> v;
  reserve_on_huge_pages(v, std::size_t{16} << 20);  // 64 MiB, as a city's residents' grids
  ASSERT_GE(v.capacity(), std::size_t{16} << 20);
  v.resize(std::size_t{16} << 20, 7U);
  EXPECT_GE(huge_kib_of_mapping_at(v.data() + v.size() / 2), 2048)
      << "THP setting '" << setting << "'";
  EXPECT_EQ(v[v.size() / 2], 7U);
}

TEST(HugePagesTest, RegionsWithoutAWholeHugePageAreLeftAlone) {
  std::vector<std::uint32_t> small;
  reserve_on_huge_pages(small, 1000);
  small.assign(1000, 3U);
  EXPECT_EQ(small.back(), 3U);
  advise_huge_pages(nullptr, 0);
  advise_huge_pages(small.data(), 0);
}

}  // namespace
}  // namespace circlesim::sim
