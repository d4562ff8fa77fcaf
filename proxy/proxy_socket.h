// ProxySocket: the socket type of every client and upstream connection the proxy handles.
#pragma once

#include <utility>  // before Asio under C++20 (design.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace bg::proxy {

// Bound to the io_context's executor by its own type, not through any_io_executor (tcp::socket's
// default): every read and write an operation starts tracks work on the socket's executor, and through
// the type-erased one each did prefer() and copy_shared(). Handlers still run on the session's strand:
// they are bound to it explicitly (SessionExecutor).
using ProxySocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

}  // namespace bg::proxy
