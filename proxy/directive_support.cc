#include "proxy/directive_support.h"

#include <set>

namespace bg::proxy {
namespace {

using Names = std::set<std::string_view>;

// Directives the interpreter reads and the proxy acts on (nginx_config.cc and its parts).
const Names kModelled = {"events",
                         "http",
                         "include",
                         "load_module",
                         "worker_processes",
                         "server",
                         "upstream",
                         "location",
                         "listen",
                         "server_name",
                         "proxy_pass",
                         "proxy_connect_timeout",
                         "proxy_send_timeout",
                         "proxy_read_timeout",
                         "proxy_next_upstream",
                         "proxy_next_upstream_tries",
                         "proxy_next_upstream_timeout",
                         "proxy_http_version",
                         "proxy_set_header",
                         "keepalive",
                         "keepalive_timeout",
                         "keepalive_requests",
                         "keepalive_time",
                         "zone",
                         "set",
                         "map",
                         "return",
                         "root",
                         "index",
                         "try_files",
                         "internal",
                         "resolver",
                         "client_max_body_size",
                         "error_page"};

// Whole modules that act only on how a response is encoded or logged, on TLS listeners (which
// are not modelled), on process tuning, or that only define variables: none of them changes a
// request's status, the backend that serves it or when it ends.
const Names kHarmlessModules = {
    "ngx_http_log_module",             // access_log, log_format: logging only
    "ngx_errlog_module",               // error_log: logging only (the harness keeps its own)
    "ngx_http_gzip_filter_module",     // gzip*: compresses bodies, same status and content
    "ngx_http_gunzip_filter_module",   // gunzip*: the reverse
    "ngx_http_gzip_static_module",     // gzip_static: a .gz twin of the same static file
    "ngx_http_charset_filter_module",  // charset*: a Content-Type parameter and recoding
    "ngx_http_headers_filter_module",  // add_header, expires, add_trailers: response headers only
    "ngx_http_userid_filter_module",   // userid*: a tracking cookie
    "ngx_http_realip_module",          // set_real_ip_from, real_ip_*: $remote_addr only
    "ngx_http_browser_module",         // ancient_browser, modern_browser: variables only
    "ngx_http_v2_module",              // http2_* tuning (an `http2` listen is judged by listen)
    "ngx_http_ssl_module",             // ssl_*: used by TLS listeners only, and `listen ... ssl` is not modelled
    "ngx_event_core_module",           // worker_connections, use, multi_accept, accept_mutex*: event loop tuning
    "ngx_epoll_module",                // epoll_events, worker_aio_requests
    "ngx_thread_pool_module",          // thread_pool: where blocking file I/O runs
    "ngx_openssl_module",              // ssl_engine
    "ngx_regex_module",                // pcre_jit: speed only
};

// Single directives of other modules that cannot change a request's fate, with why.
const Names kHarmless = {
    // Process settings (the harness runs the process): who, where, limits, CPU placement.
    "user",
    "pid",
    "lock_file",
    "daemon",
    "master_process",
    "worker_rlimit_nofile",
    "worker_rlimit_core",
    "worker_priority",
    "worker_cpu_affinity",
    "timer_resolution",
    "working_directory",
    "env",
    "debug_points",
    // How bytes move (sendfile, buffers, TCP options, file I/O): timing at the microsecond scale only.
    "sendfile",
    "sendfile_max_chunk",
    "subrequest_output_buffer_size",
    "aio",
    "aio_write",
    "read_ahead",
    "directio",
    "directio_alignment",
    "tcp_nopush",
    "tcp_nodelay",
    "send_lowat",
    "postpone_output",
    "output_buffers",
    "open_file_cache",
    "open_file_cache_valid",
    "open_file_cache_min_uses",
    "open_file_cache_errors",
    "client_header_buffer_size",
    "large_client_header_buffers",
    "connection_pool_size",
    "request_pool_size",
    "client_body_buffer_size",
    "client_body_temp_path",
    "client_body_in_file_only",
    "client_body_in_single_buffer",
    // Hash table sizes: lookup speed (nginx fails at load when too small, which -t shows).
    "types_hash_max_size",
    "types_hash_bucket_size",
    "server_names_hash_max_size",
    "server_names_hash_bucket_size",
    "variables_hash_max_size",
    "variables_hash_bucket_size",
    "map_hash_max_size",
    "map_hash_bucket_size",
    "proxy_headers_hash_max_size",
    "proxy_headers_hash_bucket_size",
    // Response headers and their form: Content-Type tables, Server token, redirect URL form, ETag.
    "types",
    "default_type",
    "server_tokens",
    "server_name_in_redirect",
    "port_in_redirect",
    "absolute_redirect",
    "msie_padding",
    "msie_refresh",
    "etag",
    "if_modified_since",
    "max_ranges",
    "chunked_transfer_encoding",
    "recursive_error_pages",
    "keepalive_disable",
    // Logging.
    "log_not_found",
    "log_subrequest",
    "rewrite_log",
    "uninitialized_variable_warn",
    // Client-side timeouts and closing: the run's clients send whole requests at once and read at once.
    "client_header_timeout",
    "client_body_timeout",
    "send_timeout",
    "lingering_close",
    "lingering_time",
    "lingering_timeout",
    "reset_timedout_connection",
    "resolver_timeout",
    "limit_rate",
    "limit_rate_after",
    "underscores_in_headers",
    "ignore_invalid_headers",
    // Access control combination: only meaningful with auth_* / allow / deny, which are not modelled.
    "satisfy",
    "auth_delay",
    // proxy_* that shape buffering, headers passed back, cookies and redirects: not status or peer.
    "proxy_buffering",
    "proxy_buffers",
    "proxy_buffer_size",
    "proxy_busy_buffers_size",
    "proxy_max_temp_file_size",
    "proxy_temp_file_write_size",
    "proxy_temp_path",
    "proxy_hide_header",
    "proxy_pass_header",
    "proxy_ignore_headers",
    "proxy_redirect",
    "proxy_cookie_domain",
    "proxy_cookie_path",
    "proxy_cookie_flags",
    "proxy_socket_keepalive",
    "proxy_ignore_client_abort",
    "proxy_limit_rate",
    "proxy_force_ranges",
    "proxy_send_lowat",
    "proxy_store_access",
    // Without proxy_error_page... error_page is not modelled; intercepting alone keeps the status.
    "proxy_intercept_errors",
};

// Prefixes of directives that matter only to a handler that is itself not modelled
// (fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass, memcached_pass, proxy_cache, proxy_pass
// https://): with the handler absent they do nothing.
const char* const kInertPrefixes[] = {"fastcgi_",   "uwsgi_",     "scgi_",        "grpc_",
                                      "memcached_", "proxy_ssl_", "proxy_cache_", "autoindex_"};
const Names kHandlers = {"fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"};

}  // namespace

DirectiveSupport directive_support(std::string_view name, std::string_view module) {
  if (kModelled.count(name)) return DirectiveSupport::modelled;
  if (kHarmlessModules.count(module) || kHarmless.count(name)) return DirectiveSupport::harmless;
  if (!kHandlers.count(name))
    for (const char* p : kInertPrefixes)
      if (name.rfind(p, 0) == 0) return DirectiveSupport::harmless;
  return DirectiveSupport::not_modelled;
}

}  // namespace bg::proxy
