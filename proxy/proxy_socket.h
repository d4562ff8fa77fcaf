// ProxySocket: the socket type of every client and upstream connection the proxy handles.
#pragma once

#include <utility>  // before Asio under C++20 (design.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/network.h"

namespace bg::proxy {

// Bound to the io_context's executor by its own type, not through any_io_executor (tcp::socket's
// default): every read and write an operation starts tracks work on the socket's executor, and through
// the type-erased one each did prefer() and copy_shared(). Handlers still run on the session's
// executor: they are bound to its strand explicitly when it has one (net::SerialExecutor). A socket
// of the kernel's loopback or of the in-memory network (net::BasicSocket), as the ServerState's
// network says.
using ProxySocket = net::BasicSocket<boost::asio::io_context::executor_type>;

}  // namespace bg::proxy
