// Each branch gets a fixed port from the configured range, kept across
// restarts. A port is free when no branch row holds it and nothing on the
// machine listens on it.
#pragma once

#include <functional>

#include "core/context.h"

namespace velo::core {

using PortProbe = std::function<bool(int port)>;  // true when bindable

// Real probe: can we bind 127.0.0.1:port (and 0.0.0.0:port) right now?
bool port_is_bindable(int port);

// Call inside the transaction that inserts the branch row, so that two
// velo processes never pick the same port.
Result<int> pick_port(Context& ctx, const PortProbe& probe = port_is_bindable);

}  // namespace velo::core
