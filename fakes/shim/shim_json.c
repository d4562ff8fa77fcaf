#include "fakes/shim/shim_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bjoern Hoehrmann's UTF-8 decoder, as nlohmann::json's serializer uses it (its table, unchanged):
 * the first 256 entries give each byte's class, the rest the state transitions. */
enum { UTF8_ACCEPT = 0, UTF8_REJECT = 1 };
/* clang-format off */
static const uint8_t utf8d[400] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 00..1F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 20..3F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 40..5F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 60..7F */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  /* 80..9F */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,  /* A0..BF */
    8, 8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* C0..DF */
    10, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 3, 3,  /* E0..EF */
    11, 6, 6, 6, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,  /* F0..FF */
    0, 1, 2, 3, 5, 8, 7, 1, 1, 1, 4, 6, 1, 1, 1, 1,  /* s0..s0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1,  /* s1..s2 */
    1, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1,  /* s3..s4 */
    1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 1, 1,  /* s5..s6 */
    1, 3, 1, 1, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1  /* s7..s8 */
};
/* clang-format on */

static uint8_t utf8_decode(uint8_t* state, uint32_t* codepoint, uint8_t byte) {
  const uint8_t type = utf8d[byte];
  *codepoint = *state != UTF8_ACCEPT ? (byte & 0x3fu) | (*codepoint << 6u) : (0xFFu >> type) & byte;
  *state = utf8d[256u + *state * 16u + type];
  return *state;
}

/* `s` as a quoted JSON string. As nlohmann: control characters escaped (\b \t \n \f \r by name, the
 * others \u00xx), '"' and '\' escaped, everything else (DEL and UTF-8 included) as it is; a byte
 * that breaks a UTF-8 sequence drops the sequence for U+FFFD and is read again on its own; a
 * sequence cut short by the end becomes U+FFFD too. */
void json_string(struct buf* out, const char* s, size_t n) {
  static const char replacement[] = "\xEF\xBF\xBD";
  buf_char(out, '"');
  uint32_t codepoint = 0;
  uint8_t state = UTF8_ACCEPT;
  size_t after_last_accept = out->len; /* where the output stood after the last whole character */
  size_t pending = 0;                  /* bytes of an unfinished sequence written since */
  for (size_t i = 0; i < n; ++i) {
    const uint8_t byte = (uint8_t)s[i];
    switch (utf8_decode(&state, &codepoint, byte)) {
      case UTF8_ACCEPT:
        switch (codepoint) {
          case 0x08:
            buf_str(out, "\\b");
            break;
          case 0x09:
            buf_str(out, "\\t");
            break;
          case 0x0A:
            buf_str(out, "\\n");
            break;
          case 0x0C:
            buf_str(out, "\\f");
            break;
          case 0x0D:
            buf_str(out, "\\r");
            break;
          case 0x22:
            buf_str(out, "\\\"");
            break;
          case 0x5C:
            buf_str(out, "\\\\");
            break;
          default:
            if (codepoint <= 0x1F) {
              char escaped[8];
              snprintf(escaped, sizeof escaped, "\\u%04x", (unsigned)codepoint);
              buf_str(out, escaped);
            } else {
              buf_char(out, (char)byte);
            }
        }
        after_last_accept = out->len;
        pending = 0;
        break;
      case UTF8_REJECT:
        if (pending > 0) --i; /* the byte may be fine on its own, just not after that sequence */
        out->len = after_last_accept;
        buf_str(out, replacement);
        after_last_accept = out->len;
        pending = 0;
        state = UTF8_ACCEPT;
        break;
      default: /* inside a multi-byte sequence */
        buf_char(out, (char)byte);
        ++pending;
    }
  }
  if (state != UTF8_ACCEPT) {
    out->len = after_last_accept;
    buf_str(out, replacement);
  }
  buf_char(out, '"');
}

struct parser {
  const char* at;
  const char* end;
  const char* error; /* the first thing found wrong */
};

static int fail(struct parser* p, const char* what) {
  if (!p->error) p->error = what;
  return 0;
}

static void skip_space(struct parser* p) {
  while (p->at < p->end && (*p->at == ' ' || *p->at == '\t' || *p->at == '\n' || *p->at == '\r')) ++p->at;
}

static int expect(struct parser* p, char c) {
  skip_space(p);
  if (p->at >= p->end || *p->at != c) return fail(p, "unexpected character");
  ++p->at;
  return 1;
}

static int hex4(struct parser* p, uint32_t* value) {
  if (p->end - p->at < 4) return fail(p, "\\u escape cut short");
  *value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = *p->at++;
    *value <<= 4;
    if (c >= '0' && c <= '9')
      *value |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      *value |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      *value |= (uint32_t)(c - 'A' + 10);
    else
      return fail(p, "bad \\u escape");
  }
  return 1;
}

static void add_utf8(struct buf* into, uint32_t cp) {
  char bytes[4];
  size_t n;
  if (cp < 0x80) {
    bytes[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    bytes[0] = (char)(0xC0 | (cp >> 6)), bytes[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    bytes[0] = (char)(0xE0 | (cp >> 12)), bytes[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    bytes[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    bytes[0] = (char)(0xF0 | (cp >> 18)), bytes[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    bytes[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), bytes[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  buf_add(into, bytes, n);
}

/* A JSON string's characters after its opening quote, up to and past the closing one, into `out`,
 * with every escape JSON has. */
static int read_string(struct parser* p, struct buf* out) {
  for (;;) {
    if (p->at >= p->end) return fail(p, "string cut short");
    const char c = *p->at++;
    if (c == '"') return 1;
    if ((unsigned char)c < 0x20) return fail(p, "control character in a string");
    if (c != '\\') {
      buf_char(out, c);
      continue;
    }
    if (p->at >= p->end) return fail(p, "string cut short");
    const char e = *p->at++;
    uint32_t cp, low;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        buf_char(out, e);
        break;
      case 'b':
        buf_char(out, '\b');
        break;
      case 'f':
        buf_char(out, '\f');
        break;
      case 'n':
        buf_char(out, '\n');
        break;
      case 'r':
        buf_char(out, '\r');
        break;
      case 't':
        buf_char(out, '\t');
        break;
      case 'u':
        if (!hex4(p, &cp)) return 0;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(p, "lone low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (p->end - p->at < 2 || p->at[0] != '\\' || p->at[1] != 'u')
            return fail(p, "high surrogate without its low half");
          p->at += 2;
          if (!hex4(p, &low)) return 0;
          if (low < 0xDC00 || low > 0xDFFF) return fail(p, "high surrogate without its low half");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        add_utf8(out, cp);
        break;
      default:
        return fail(p, "bad escape");
    }
  }
}

/* A JSON string into `into` (NULL: skipped). */
static int parse_string(struct parser* p, struct buf* into) {
  if (!expect(p, '"')) return 0;
  struct buf scratch = {0};
  const int ok = read_string(p, into ? into : &scratch);
  free(scratch.data);
  if (ok && into && !into->data) buf_add(into, "", 0); /* an empty string is still a string */
  return ok;
}

/* A JSON number: its value, and whether the text was one. */
static int parse_number(struct parser* p, double* value) {
  skip_space(p);
  const char* start = p->at;
  if (p->at < p->end && *p->at == '-') ++p->at;
  if (p->at >= p->end || *p->at < '0' || *p->at > '9') return fail(p, "not a number");
  while (p->at < p->end && ((*p->at >= '0' && *p->at <= '9') || *p->at == '.' || *p->at == 'e' || *p->at == 'E' ||
                            *p->at == '+' || *p->at == '-'))
    ++p->at;
  char text[64];
  const size_t n = (size_t)(p->at - start);
  if (n >= sizeof text) return fail(p, "number too long");
  memcpy(text, start, n);
  text[n] = '\0';
  char* parsed_to;
  *value = strtod(text, &parsed_to);
  if (*parsed_to != '\0') return fail(p, "not a number");
  return 1;
}

static int skip_value(struct parser* p, int depth);

static int skip_literal(struct parser* p, const char* word) {
  const size_t n = strlen(word);
  if ((size_t)(p->end - p->at) < n || strncmp(p->at, word, n) != 0) return fail(p, "unexpected character");
  p->at += n;
  return 1;
}

/* Any value, read past (a field the shim does not know). */
static int skip_value(struct parser* p, int depth) {
  if (depth > 64) return fail(p, "nested too deeply");
  skip_space(p);
  if (p->at >= p->end) return fail(p, "value cut short");
  double number;
  switch (*p->at) {
    case '"':
      return parse_string(p, NULL);
    case 't':
      return skip_literal(p, "true");
    case 'f':
      return skip_literal(p, "false");
    case 'n':
      return skip_literal(p, "null");
    case '[':
    case '{': {
      const char close = *p->at == '[' ? ']' : '}';
      ++p->at;
      skip_space(p);
      if (p->at < p->end && *p->at == close) return ++p->at, 1;
      for (;;) {
        if (close == '}' && !(parse_string(p, NULL) && expect(p, ':'))) return 0;
        if (!skip_value(p, depth + 1)) return 0;
        skip_space(p);
        if (p->at < p->end && *p->at == ',') {
          ++p->at;
          continue;
        }
        return expect(p, close);
      }
    }
    default:
      return parse_number(p, &number);
  }
}

static void strings_free(struct strings* s) {
  for (size_t i = 0; i < s->count; ++i) free(s->items[i]);
  free(s->items);
  free(s->name_lengths);
  s->items = NULL;
  s->name_lengths = NULL;
  s->count = 0;
}

static void strings_add(struct strings* s, char* item, size_t name_length) {
  char** items = realloc(s->items, (s->count + 2) * sizeof *items);
  if (!items) out_of_memory();
  s->items = items;
  size_t* lengths = realloc(s->name_lengths, (s->count + 1) * sizeof *lengths);
  if (!lengths) out_of_memory();
  s->name_lengths = lengths;
  s->name_lengths[s->count] = name_length;
  s->items[s->count++] = item;
  s->items[s->count] = NULL;
}

/* An array of strings (exec), or with `object` an object of strings as "NAME=value" (exec_env). A
 * name given twice keeps its last value, as nlohmann's object does. */
static int parse_strings(struct parser* p, struct strings* into, int object) {
  strings_free(into);
  if (!expect(p, object ? '{' : '[')) return 0;
  skip_space(p);
  if (p->at < p->end && *p->at == (object ? '}' : ']')) return ++p->at, 1;
  for (;;) {
    struct buf item = {0};
    size_t name_length = 0;
    if (object) {
      if (!parse_string(p, &item) || !expect(p, ':')) return free(item.data), 0;
      for (size_t i = 0; i < into->count; ++i) {
        if (into->name_lengths[i] == item.len && memcmp(into->items[i], item.data, item.len) == 0) {
          free(into->items[i]);
          --into->count;
          into->items[i] = into->items[into->count];
          into->name_lengths[i] = into->name_lengths[into->count];
          into->items[into->count] = NULL;
          break;
        }
      }
      name_length = item.len;
      buf_char(&item, '=');
    }
    if (!parse_string(p, &item)) return free(item.data), 0;
    strings_add(into, item.data, name_length);
    skip_space(p);
    if (p->at < p->end && *p->at == ',') {
      ++p->at;
      continue;
    }
    return expect(p, object ? '}' : ']');
  }
}

/* Whether a key read from the reply is `name`, NUL bytes included (nlohmann's keys hold them). */
static int key_is(const struct buf* key, const char* name) {
  return key->len == strlen(name) && memcmp(key->data, name, key->len) == 0;
}

static int parse_reply_object(struct parser* p, struct reply* r) {
  if (!expect(p, '{')) return 0;
  skip_space(p);
  if (p->at < p->end && *p->at == '}') {
    ++p->at;
  } else {
    for (;;) {
      struct buf key = {0};
      if (!parse_string(p, &key) || !expect(p, ':')) return free(key.data), 0;
      int ok;
      double number;
      if (key_is(&key, "exit_code")) {
        ok = parse_number(p, &number);
        if (ok && !(number >= -2147483648.0 && number <= 2147483647.0)) ok = fail(p, "exit_code is out of range");
        r->exit_code = ok ? (int)number : 0;
        r->has_exit_code = ok;
      } else if (key_is(&key, "out")) {
        r->out.len = 0;
        ok = parse_string(p, &r->out);
      } else if (key_is(&key, "err")) {
        r->err.len = 0;
        ok = parse_string(p, &r->err);
      } else if (key_is(&key, "exec")) {
        ok = parse_strings(p, &r->exec, 0);
      } else if (key_is(&key, "exec_env")) {
        ok = parse_strings(p, &r->exec_env, 1);
      } else {
        ok = skip_value(p, 0);
      }
      free(key.data);
      if (!ok) return 0;
      skip_space(p);
      if (p->at < p->end && *p->at == ',') {
        ++p->at;
        continue;
      }
      if (!expect(p, '}')) return 0;
      break;
    }
  }
  skip_space(p);
  if (p->at != p->end) return fail(p, "text after the reply");
  if (!r->has_exit_code) return fail(p, "no exit_code");
  return 1;
}

int parse_reply(const struct buf* body, struct reply* r, const char** error) {
  struct parser parser = {body->data ? body->data : "", (body->data ? body->data : "") + body->len, NULL};
  struct parser* p = &parser;
  const int ok = parse_reply_object(p, r);
  *error = p->error ? p->error : "";
  return ok;
}
