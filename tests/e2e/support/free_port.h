// A TCP port on 127.0.0.1 that the kernel just considered free (bind to
// port 0), for servers that tests start themselves. 0 if none.
#pragma once

namespace velo::e2e {

int free_port();

}  // namespace velo::e2e
