/* curl 7.88.1's command line, as far as the harness needs it everywhere: its option names, and
 * whether a command line makes curl read its standard input. In a header the shim (C, shim_main.c)
 * and the harness (C++: the live plan, http_client_command.cc; the emulation, curl_emulation.cc) all
 * read, so the three cannot disagree: the shim sends a script's stdin along exactly when the real
 * curl would read it. Sending it when curl would not takes input that belongs to the script (a
 * `while read` loop around the curl); not sending it when curl would sends the request without its
 * body or headers.
 *
 * Source: curl 7.88.1 src/tool_getparam.c (aliases[], getparameter(), parse_args()),
 * src/tool_formparse.c (file_or_stdin()), src/tool_operate.c (-T's "-" and "."), lib/cookie.c
 * (a cookie file "-"). http_client_emulation_test.cc checks the rule against the real curl. */
#ifndef BG_FAKES_SHIM_CURL_OPTIONS_H
#define BG_FAKES_SHIM_CURL_OPTIONS_H

#include <stddef.h>
#include <string.h>

/* Every long option of curl 7.88.1 (tool_getparam.c aliases[], as Debian 12's build has them: no
 * --wdebug, which only MS-DOS builds have), "name=" taking a value, "name!" a boolean (it has a
 * --no-name), a bare name neither. */
#define BG_CURL_LONG_OPTIONS                                                                                       \
  "url= dns-ipv4-addr= dns-ipv6-addr= random-file= egd-file= oauth2-bearer= connect-timeout= ciphers= "            \
  "dns-interface= disable-epsv! disallow-username-in-url! epsv! dns-servers= trace= npn! trace-ascii= alpn! "      \
  "limit-rate= rate= compressed! tr-encoding! digest! negotiate! ntlm! ntlm-wb! basic! anyauth! doh-url= "         \
  "ftp-create-dirs! create-dirs! create-file-mode= max-redirs= proxy-ntlm! crlf! stderr= aws-sigv4= interface= "   \
  "krb= krb4= haproxy-protocol! max-filesize= disable-eprt! eprt! xattr! ftp-ssl! ssl! ftp-pasv! socks5= "         \
  "tcp-nodelay! proxy-digest! proxy-basic! retry= retry-connrefused! retry-delay= retry-max-time= "                \
  "proxy-negotiate! form-escape! ftp-account= proxy-anyauth! trace-time! ignore-content-length! "                  \
  "ftp-skip-pasv-ip! ftp-method= local-port= socks4= socks4a= ftp-alternative-to-user= ftp-ssl-reqd! ssl-reqd! "   \
  "sessionid! ftp-ssl-control! ftp-ssl-ccc! ftp-ssl-ccc-mode= libcurl= raw! post301! keepalive! socks5-hostname= " \
  "keepalive-time= post302! noproxy= socks5-gssapi-nec! proxy1.0= tftp-blksize= mail-from= mail-rcpt= ftp-pret! "  \
  "proto= proto-redir= resolve= delegation= mail-auth= post303! metalink! sasl-authzid= sasl-ir! test-event! "     \
  "unix-socket= "                                                                                                  \
  "path-as-is! socks5-gssapi-service= proxy-service-name= service-name= proto-default= expect100-timeout= "        \
  "tftp-no-options! connect-to= abstract-unix-socket= tls-max= suppress-connect-headers! compressed-ssh! "         \
  "happy-eyeballs-timeout-ms= retry-all-errors! http1.0 http1.1 http2 http2-prior-knowledge http3 http3-only "     \
  "http0.9! tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tls13-ciphers= proxy-tls13-ciphers= sslv2 sslv3 ipv4 ipv6 "      \
  "append! user-agent= cookie= alt-svc= hsts= use-ascii! cookie-jar= continue-at= data= data-raw= data-ascii= "    \
  "data-binary= data-urlencode= json= url-query= dump-header= referer= cert= cacert= cert-type= key= key-type= "   \
  "pass= engine= capath= pubkey= hostpubmd5= hostpubsha256= crlfile= tlsuser= tlspassword= tlsauthtype= "          \
  "ssl-allow-beast! ssl-auto-client-cert! proxy-ssl-auto-client-cert! pinnedpubkey= proxy-pinnedpubkey= "          \
  "cert-status! doh-cert-status! false-start! ssl-no-revoke! ssl-revoke-best-effort! tcp-fastopen! "               \
  "proxy-tlsuser= proxy-tlspassword= proxy-tlsauthtype= proxy-cert= proxy-cert-type= proxy-key= proxy-key-type= "  \
  "proxy-pass= proxy-ciphers= proxy-crlfile= proxy-ssl-allow-beast! login-options= proxy-cacert= proxy-capath= "   \
  "proxy-insecure! proxy-tlsv1 socks5-basic! socks5-gssapi! etag-save= etag-compare= curves= fail! fail-early! "   \
  "styled-output! mail-rcpt-allowfails! fail-with-body! remove-on-error! form= form-string= globoff! get! "        \
  "request-target= help! header= proxy-header= include! head! junk-session-cookies! remote-header-name! "          \
  "insecure! doh-insecure! config= list-only! location! location-trusted! max-time= manual! netrc! "               \
  "netrc-optional! netrc-file= buffer! output= remote-name! remote-name-all! output-dir= clobber! proxytunnel! "   \
  "ftp-port= disable! quote= range= remote-time! silent! show-error! telnet-option= upload-file= user= "           \
  "proxy-user= verbose! version! write-out= proxy= preproxy= request= speed-limit= speed-time= time-cond= "        \
  "parallel! parallel-max= parallel-immediate! progress-bar! progress-meter! next"

/* The one-letter options: each letter followed by the long option it is. */
#define BG_CURL_SHORT_OPTIONS                                                                                    \
  "0http1.0 1tlsv1 2sslv2 3sslv3 4ipv4 6ipv6 aappend Auser-agent bcookie Buse-ascii ccookie-jar Ccontinue-at "   \
  "ddata Ddump-header ereferer Ecert ffail Fform ggloboff Gget hhelp Hheader iinclude Ihead "                    \
  "jjunk-session-cookies Jremote-header-name kinsecure Kconfig llist-only Llocation mmax-time Mmanual nnetrc "   \
  "Nbuffer ooutput Oremote-name pproxytunnel Pftp-port qdisable Qquote rrange Rremote-time ssilent Sshow-error " \
  "ttelnet-option Tupload-file uuser Uproxy-user vverbose Vversion wwrite-out xproxy Xrequest Yspeed-limit "     \
  "yspeed-time ztime-cond Zparallel #progress-bar :next"

/* One option found in the tables: its name (not NUL-terminated) and kind. */
struct bg_curl_option {
  const char* name;
  size_t length;
  char kind; /* '=' takes a value, '!' a boolean, ' ' neither */
};

enum bg_curl_match { BG_CURL_FOUND, BG_CURL_UNKNOWN, BG_CURL_AMBIGUOUS };

/* curl_strnequal: ASCII letters compared without case (`--DATA` is `--data`). */
static inline int bg_curl_same(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return 1;
}

/* curl's lookup of a long option's word (what follows "--", after a "no-"): the name equal to it,
 * else the one name it begins, letters compared without case. After "no-" only a name in full:
 * curl measures the word before it skips the "no-" (`--no-sil` is unknown, `--no-silent` is not). */
static inline enum bg_curl_match bg_curl_find_long(const char* word, size_t length, int whole_name_only,
                                                   struct bg_curl_option* hit) {
  int hits = 0;
  const char* p = BG_CURL_LONG_OPTIONS;
  while (*p) {
    const char* end = strchr(p, ' ');
    if (!end) end = p + strlen(p);
    size_t n = (size_t)(end - p);
    const char kind = (end[-1] == '=' || end[-1] == '!') ? end[-1] : ' ';
    if (kind != ' ') --n;
    if (length <= n && bg_curl_same(p, word, length) && (length == n || !whole_name_only)) {
      hit->name = p;
      hit->length = n;
      hit->kind = kind;
      if (length == n) return BG_CURL_FOUND;
      ++hits;
    }
    p = *end ? end + 1 : end;
  }
  return hits == 1 ? BG_CURL_FOUND : hits == 0 ? BG_CURL_UNKNOWN : BG_CURL_AMBIGUOUS;
}

/* The long option a letter stands for; 0 when the letter is no option. */
static inline int bg_curl_find_short(char letter, struct bg_curl_option* hit) {
  for (const char* p = BG_CURL_SHORT_OPTIONS; *p;) {
    const char* end = strchr(p, ' ');
    if (!end) end = p + strlen(p);
    if (*p == letter) return bg_curl_find_long(p + 1, (size_t)(end - p - 1), 1, hit) == BG_CURL_FOUND;
    p = *end ? end + 1 : end;
  }
  return 0;
}

static inline int bg_curl_is(const struct bg_curl_option* o, const char* name) {
  return o->length == strlen(name) && memcmp(o->name, name, o->length) == 0;
}

/* When an option with `value` reads stdin: 0 never, 1 while curl reads its command line, 2 only when
 * a transfer starts (a command line with an error or no URL never gets there). */
static inline int bg_curl_value_reads_stdin(const struct bg_curl_option* o, const char* value) {
  /* A body, headers or a -w format from a file, "-" being stdin: "@-". --data-raw takes no file. */
  if (bg_curl_is(o, "data") || bg_curl_is(o, "data-ascii") || bg_curl_is(o, "data-binary") || bg_curl_is(o, "json") ||
      bg_curl_is(o, "header") || bg_curl_is(o, "proxy-header") || bg_curl_is(o, "write-out"))
    return strcmp(value, "@-") == 0;
  /* "[name]@file": the first of '@' and '=' is an '@' (data_urlencode()). */
  if (bg_curl_is(o, "data-urlencode") || bg_curl_is(o, "url-query")) {
    const char* at = strpbrk(value, "@=");
    return at && *at == '@' && strcmp(at + 1, "-") == 0;
  }
  /* "name=@file[,file...][;type=...]" and "name=<file[;...]": a file "-" (file_or_stdin()).
   * --form-string takes its value literally. */
  if (bg_curl_is(o, "form")) {
    const char* v = strchr(value, '=');
    if (!v || (v[1] != '@' && v[1] != '<')) return 0;
    for (const char* file = v + 2;;) {
      const size_t n = strcspn(file, ",;");
      if (n == 1 && file[0] == '-') return 1;
      if (file[n] != ',' || v[1] != '@') return 0;
      file += n + 1;
    }
  }
  if (bg_curl_is(o, "config")) return strcmp(value, "-") == 0; /* -K -: options from stdin */
  if (bg_curl_is(o, "upload-file"))                            /* "." is stdin, non-blocking */
    return (strcmp(value, "-") == 0 || strcmp(value, ".") == 0) ? 2 : 0;
  if (bg_curl_is(o, "cookie")) return strcmp(value, "-") == 0 ? 2 : 0; /* a cookie file "-" */
  return 0;
}

/* Whether `curl args...` (args without argv[0]) reads its standard input, read as parse_args() reads
 * a command line: long options by a unique prefix, --no-NAME for booleans, clustered letters with a
 * value attached or in the next argument, "--" ending the options, every other word a URL. An error
 * (an unknown option, a missing value) or --help/--version/--manual ends it, having read only what
 * the options before it read. */
static inline int bg_curl_reads_stdin(const char* const* args, int count) {
  int parse_time = 0, transfer_time = 0, urls = 0, options = 1;
  for (int i = 0; i < count; ++i) {
    const char* a = args[i];
    if (!options || a[0] != '-') {
      ++urls;
      continue;
    }
    if (a[1] == '\0') return parse_time; /* "-" alone: "option -: is unknown" */
    if (strcmp(a, "--") == 0) {
      options = 0;
      continue;
    }
    struct bg_curl_option o;
    const char* value = NULL;
    if (a[1] == '-') {
      const char* word = a + 2;
      const int negated = strncmp(word, "no-", 3) == 0; /* case matters here, as in curl */
      if (negated) word += 3;
      if (bg_curl_find_long(word, strlen(word), negated, &o) != BG_CURL_FOUND || (negated && o.kind != '!'))
        return parse_time;
      if (negated) continue; /* a boolean turned off: --no-help is no request for help */
    } else {
      for (size_t k = 1;; ++k) {
        if (!bg_curl_find_short(a[k], &o)) return parse_time;
        if (o.kind == '=') {
          if (a[k + 1]) value = a + k + 1;
          break;
        }
        if (bg_curl_is(&o, "help") || bg_curl_is(&o, "version") || bg_curl_is(&o, "manual")) return parse_time;
        if (!a[k + 1]) break;
      }
    }
    if (bg_curl_is(&o, "help") || bg_curl_is(&o, "version") || bg_curl_is(&o, "manual")) return parse_time;
    if (o.kind != '=') continue;
    if (!value) {
      if (i + 1 >= count) return parse_time; /* "requires parameter" */
      value = args[++i];
    }
    const int reads = bg_curl_value_reads_stdin(&o, value);
    if (reads == 1) parse_time = 1;
    if (reads == 2) transfer_time = 1;
  }
  return parse_time || (transfer_time && urls > 0);
}

#endif
