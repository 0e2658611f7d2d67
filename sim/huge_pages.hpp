// Transparent huge pages for large arrays read at random (a city's residents): with 4 KiB pages
// every random read of a 50 MB array misses the TLB, and on a virtual machine each miss is a
// nested page walk that even a prefetch waits for (docs/performance.md).
#pragma once

#include <cstddef>
#include <vector>

namespace circlesim::sim {

// Advises the kernel to back [begin, begin + bytes) with huge pages where whole ones fit (Linux's
// MADV_HUGEPAGE; elsewhere, or if the kernel declines, nothing happens). Only pages not yet
// touched are affected, so call it before filling the memory.
void advise_huge_pages(const void* begin, std::size_t bytes);

// Reserves room for `n` elements in an empty vector and advises huge pages for it, so that a
// following resize() or push_back() faults the memory in as huge pages.
template <class T>
void reserve_on_huge_pages(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace circlesim::sim
