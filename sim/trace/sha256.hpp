// SHA-256 of a byte string as lowercase hex (OpenSSL's libcrypto), for provenance.
#pragma once

#include <string>
#include <string_view>

namespace circlesim::sim::trace {

std::string sha256_hex(std::string_view bytes);

}  // namespace circlesim::sim::trace
