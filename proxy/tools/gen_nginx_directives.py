#!/usr/bin/env python3
"""Writes proxy/nginx_directive_table.inc (and, with --variables, proxy/nginx_variable_table.inc): every directive nginx 1.22.1 knows in Debian 12's build,
with the module kind, the context/argument flags and the setter of its ngx_command_t entry.

Read from the nginx source (nginx/nginx at tag release-1.22.1): each module's `ngx_command_t`
array. Which modules: the static ones compiled into Debian's /usr/sbin/nginx (its
ngx_module_names, i.e. `strings /usr/sbin/nginx`, listed below) and the dynamic ones Debian builds
from the nginx source (`nginx -V`: --with-http_geoip_module=dynamic ..., packaged as
libnginx-mod-*), which are known only once `load_module` loads them.

The variables are the names of the ngx_http_variable_t arrays of the same modules and of
src/http/ngx_http_variables.c (the core's), for nginx's load-time `unknown "x" variable` check.

Usage: gen_nginx_directives.py <nginx git dir> > proxy/nginx_directive_table.inc
       gen_nginx_directives.py <nginx git dir> --variables > proxy/nginx_variable_table.inc
"""
import re
import subprocess
import sys

TAG = "release-1.22.1"

# ngx_module_names of Debian 12's nginx 1.22.1-9+deb12u11 (static modules): the ngx_*_module strings of
# /usr/sbin/nginx that name a module of the source (checked: none missing, none extra).
STATIC = """ngx_core_module ngx_errlog_module ngx_conf_module ngx_openssl_module ngx_regex_module
ngx_events_module ngx_event_core_module ngx_epoll_module ngx_thread_pool_module ngx_http_module
ngx_http_core_module ngx_http_log_module ngx_http_upstream_module ngx_http_v2_module
ngx_http_static_module ngx_http_gzip_static_module ngx_http_dav_module ngx_http_autoindex_module
ngx_http_index_module ngx_http_random_index_module ngx_http_auth_request_module
ngx_http_auth_basic_module ngx_http_access_module ngx_http_limit_conn_module
ngx_http_limit_req_module ngx_http_realip_module ngx_http_geo_module ngx_http_map_module
ngx_http_split_clients_module ngx_http_referer_module ngx_http_rewrite_module ngx_http_ssl_module
ngx_http_proxy_module ngx_http_fastcgi_module ngx_http_uwsgi_module ngx_http_scgi_module
ngx_http_grpc_module ngx_http_memcached_module ngx_http_empty_gif_module ngx_http_browser_module
ngx_http_secure_link_module ngx_http_flv_module ngx_http_mp4_module
ngx_http_upstream_hash_module ngx_http_upstream_ip_hash_module ngx_http_upstream_least_conn_module
ngx_http_upstream_random_module ngx_http_upstream_keepalive_module ngx_http_upstream_zone_module
ngx_http_stub_status_module ngx_http_write_filter_module ngx_http_header_filter_module
ngx_http_chunked_filter_module ngx_http_v2_filter_module ngx_http_range_header_filter_module
ngx_http_gzip_filter_module ngx_http_postpone_filter_module ngx_http_ssi_filter_module
ngx_http_charset_filter_module ngx_http_sub_filter_module ngx_http_addition_filter_module
ngx_http_gunzip_filter_module ngx_http_userid_filter_module ngx_http_headers_filter_module
ngx_http_copy_filter_module ngx_http_range_body_filter_module ngx_http_not_modified_filter_module
ngx_http_slice_filter_module ngx_http_mirror_module ngx_http_try_files_module""".split()

# Debian's dynamic modules built from the nginx source: the .so load_module names, and the modules
# each one holds (auto/modules).
DYNAMIC = {
    "ngx_http_geoip_module.so": ["ngx_http_geoip_module"],
    "ngx_http_image_filter_module.so": ["ngx_http_image_filter_module"],
    "ngx_http_xslt_filter_module.so": ["ngx_http_xslt_filter_module"],
    "ngx_http_perl_module.so": ["ngx_http_perl_module"],
    "ngx_mail_module.so": ["ngx_mail_module", "ngx_mail_core_module", "ngx_mail_ssl_module",
                           "ngx_mail_pop3_module", "ngx_mail_imap_module", "ngx_mail_smtp_module",
                           "ngx_mail_auth_http_module", "ngx_mail_proxy_module", "ngx_mail_realip_module"],
    "ngx_stream_module.so": ["ngx_stream_module", "ngx_stream_core_module", "ngx_stream_log_module",
                             "ngx_stream_proxy_module", "ngx_stream_upstream_module",
                             "ngx_stream_write_filter_module", "ngx_stream_ssl_module",
                             "ngx_stream_limit_conn_module", "ngx_stream_access_module",
                             "ngx_stream_geo_module", "ngx_stream_map_module",
                             "ngx_stream_split_clients_module", "ngx_stream_return_module",
                             "ngx_stream_set_module", "ngx_stream_upstream_hash_module",
                             "ngx_stream_upstream_least_conn_module",
                             "ngx_stream_upstream_random_module", "ngx_stream_upstream_zone_module",
                             "ngx_stream_ssl_preread_module", "ngx_stream_realip_module"],
    "ngx_stream_geoip_module.so": ["ngx_stream_geoip_module"],
}

# Macros true in Debian's build (./configure flags and the Linux feature tests): #if blocks in the
# command arrays are kept or dropped by them.
DEFINED = {"NGX_PCRE", "NGX_HTTP_SSL", "NGX_HTTP_CACHE", "NGX_HTTP_GZIP", "NGX_HTTP_V2",
           "NGX_THREADS", "NGX_HAVE_INET6", "NGX_HTTP_X_FORWARDED_FOR", "NGX_HTTP_REALIP",
           "NGX_HTTP_DAV", "NGX_HTTP_HEADERS", "NGX_HTTP_UPSTREAM_ZONE", "NGX_HAVE_KEEPALIVE_TUNABLE",
           "NGX_HAVE_TRANSPARENT_PROXY", "NGX_HAVE_TCP_FASTOPEN", "NGX_HAVE_DEFERRED_ACCEPT",
           "NGX_HAVE_REUSEPORT", "NGX_HAVE_SETFIB", "NGX_HAVE_SO_SNDLOWAT", "NGX_HAVE_OPENAT",
           "NGX_HAVE_SENDFILE", "NGX_HAVE_CPU_AFFINITY", "NGX_HAVE_SCHED_SETAFFINITY", "NGX_DEBUG",
           "NGX_HAVE_EPOLL", "NGX_HAVE_IP_BIND_ADDRESS_NO_PORT", "NGX_MAIL_SSL", "NGX_STREAM_SSL",
           "NGX_HAVE_MAP_ANON", "NGX_HAVE_FILE_AIO_FALSE", "NGX_HTTP_DEGRADATION_FALSE",
           "NGX_SSL", "NGX_HAVE_OPENSSL_EVP", "NGX_HAVE_GETRLIMIT", "NGX_HAVE_PR_SET_DUMPABLE",
           "NGX_HAVE_SETRLIMIT", "NGX_HAVE_CLEAR_EVENT", "NGX_HAVE_IP_PKTINFO", "NGX_HAVE_INADDR_ANY"}

KIND = {"NGX_CORE_MODULE": "core", "NGX_CONF_MODULE": "conf", "NGX_EVENT_MODULE": "event",
        "NGX_HTTP_MODULE": "http", "NGX_MAIL_MODULE": "mail", "NGX_STREAM_MODULE": "stream"}


def git(*args):
    return subprocess.run(["git", "-C", sys.argv[1], *args], check=True, capture_output=True,
                          text=True).stdout


def preprocess(text):
    """Keeps the lines of #if/#ifdef blocks whose condition holds in Debian's build."""
    out, stack = [], []
    for line in text.split("\n"):
        s = line.strip()
        m = re.match(r"#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)", s)
        if not m:
            if all(stack):
                out.append(line)
            continue
        op, cond = m.group(1), m.group(2)
        if op in ("if", "ifdef", "ifndef"):
            names = re.findall(r"NGX_\w+", cond)
            truth = all(n in DEFINED for n in names) if names else True
            if "!" in cond or op == "ifndef":
                truth = not truth
            if re.search(r"\(\s*0\s*\)", cond):
                truth = False
            stack.append(truth)
        elif op == "else":
            stack[-1] = not stack[-1]
        elif op == "endif":
            stack.pop()
    return "\n".join(out)


def main():
    files = git("ls-tree", "-r", "--name-only", TAG, "src").split()
    sources = {f: None for f in files if f.endswith(".c")}
    module_file = {}
    for f in sources:
        text = git("show", f"{TAG}:{f}")
        sources[f] = text
        for m in re.finditer(r"ngx_module_t\s+(ngx_\w+_module)\s*=\s*\{", text):
            module_file[m.group(1)] = f
    if "--variables" in sys.argv:
        return variables(sources, module_file)
    rows = []
    wanted = [(m, "") for m in STATIC] + [(m, so) for so, ms in DYNAMIC.items() for m in ms]
    for module, so in wanted:
        text = re.sub(r"/\*.*?\*/", "", preprocess(sources[module_file[module]]), flags=re.S)
        m = re.search(module + r"\s*=\s*\{\s*NGX_MODULE_V1\s*,\s*([&\w]+)\s*,\s*(\w+)\s*,\s*(\w+)", text)
        commands, kind = m.group(2), KIND[m.group(3)]
        if commands == "NULL":
            continue
        body = re.search(r"ngx_command_t\s+" + commands + r"\[\]\s*=\s*\{(.*?)\n\s*ngx_null_command", text, re.S)
        for e in re.finditer(r"\{\s*ngx_string\(\"([^\"]+)\"\)\s*,\s*([^,]+?)\s*,\s*(\w+)\s*,", body.group(1)):
            flags = " | ".join(f.strip() for f in e.group(2).split("|"))
            rows.append((e.group(1), kind, flags, e.group(3), module, so))
    print("// Generated by proxy/tools/gen_nginx_directives.py from nginx/nginx " + TAG + ": every")
    print("// ngx_command_t of Debian 12's nginx 1.22.1 (static modules, then the dynamic ones with the .so")
    print("// load_module names). Columns: name, module kind, the entry's type flags, its setter, module, .so.")
    for name, kind, flags, setter, module, so in rows:
        print(f'{{"{name}", ConfModuleKind::{kind}, {flags}, "{setter}", "{module}", "{so}"}},')


def variables(sources, module_file):
    """The variable names each module (and the core) defines, with the .so of a dynamic one."""
    files = [("src/http/ngx_http_variables.c", "")]
    files += [(module_file[m], "") for m in STATIC if m.startswith("ngx_http_")]
    files += [(module_file[m], so) for so, ms in DYNAMIC.items() for m in ms if m.startswith("ngx_http_")]
    seen, rows = set(), []
    for f, so in files:
        text = re.sub(r"/\*.*?\*/", "", preprocess(sources[f]), flags=re.S)
        for arr in re.finditer(r"ngx_http_variable_t\s+\w+\[\]\s*=\s*\{(.*?)\n\s*ngx_http_null_variable", text, re.S):
            for name in re.findall(r"\{\s*ngx_string\(\"([^\"]+)\"\)", arr.group(1)):
                if name not in seen:
                    seen.add(name)
                    rows.append((name, so))
    print("// Generated by proxy/tools/gen_nginx_directives.py --variables from nginx/nginx " + TAG + ": the")
    print("// variables of Debian 12's nginx 1.22.1 (name, and the .so of a dynamic module that defines it).")
    for name, so in rows:
        print(f'{{"{name}", "{so}"}},')


main()
