#include "core/event_line.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <algorithm>
#include <limits>
#include <string>

#include "core/events_json.h"

namespace bg::core {
namespace {

std::string nlohmann_line(const Event& e) { return event_to_json(e).dump(); }

// Strings a history holds: plain words, nginx's quoted log lines, and what only nlohmann escapes.
const std::string kStrings[] = {"",
                                "blue-blue-1",
                                "127.0.0.1 - - \"POST /api/echo HTTP/1.1\" 200 274 upstream_status=\"200\"",
                                "C:\\path\\ with \\\"quotes\\\"",
                                "line\nbreak\tand\rcontrol\x01\x1f",
                                "caf\xc3\xa9 \xe2\x9c\x93",
                                "del\x7f"};

RequestEvent request(const std::string& s, int64_t t, uint64_t id) {
  RequestEvent r;
  r.id = id;
  r.client = static_cast<int>(id % 7) - 3;
  r.method = s;
  r.path = "/" + s;
  r.intended = Time(t);
  r.start = Time(t + 1);
  r.end = Time(-t);
  r.status = 502;
  r.error = s;
  r.outcome = id % 3 == 0 ? Outcome::ok : id % 3 == 1 ? Outcome::fail : Outcome::info;
  r.served_by = s;
  r.build_id = s + "b";
  r.execution_id = s + "e";
  return r;
}

ProxyEvent proxy(const std::string& s, int64_t t, uint64_t id) {
  ProxyEvent p;
  p.at = Time(t);
  p.kind = id % 2 ? ProxyEventKind::access_log : ProxyEventKind::peer_down;
  p.level = s;
  p.message = s + s;
  p.peer = s;
  p.request_id = id;
  p.worker = -static_cast<int>(id % 5);
  p.status = 200;
  p.attempts = 2;
  p.upstream_status = s;
  return p;
}

AppEvent app(const std::string& s, int64_t t, uint64_t id) {
  AppEvent a;
  a.at = Time(t);
  a.container = s;
  a.build_id = s;
  a.what = id % 2 ? AppWhat::execution : AppWhat::cut;
  a.request_id = id;
  a.execution_id = s;
  a.detail = s;
  return a;
}

// Goal: the direct writer gives nlohmann's bytes for every field of the three kinds it writes, with
// every kind of string a history holds, at the limits of its numbers; and the other kinds, left to
// nlohmann, are unchanged. A field added to an event and not to the writer changes the default
// event's line, so this fails then too.
TEST(EventLine, SameBytesAsNlohmann) {
  const uint64_t ids[] = {0, 1, 2, 891, std::numeric_limits<uint64_t>::max()};
  // request() also writes t + 1 and -t, so the extremes stay one inside the range.
  const int64_t times[] = {0, 67650758, std::numeric_limits<int64_t>::max() - 1,
                           std::numeric_limits<int64_t>::min() + 1};
  for (const Event& e : {Event(RequestEvent{}), Event(ProxyEvent{}), Event(AppEvent{}), Event(ContainerEvent{}),
                         Event(ShimEvent{}), Event(DeployEvent{})})
    EXPECT_EQ(event_line(e), nlohmann_line(e));
  for (const auto& s : kStrings)
    for (const auto id : ids)
      for (const auto t : times)
        for (const Event& e : {Event(request(s, t, id)), Event(proxy(s, t, id)), Event(app(s, t, id))})
          ASSERT_EQ(event_line(e), nlohmann_line(e)) << "string \"" << s << "\", id " << id << ", time " << t;
}

// Goal: a string nlohmann refuses (invalid UTF-8) is refused the same way, not written unchecked.
TEST(EventLine, InvalidUtf8IsRefusedAsNlohmannRefusesIt) {
  EXPECT_THROW(nlohmann_line(Event(request("\xff", 1, 1))), nlohmann::json::type_error);
  EXPECT_THROW(event_line(Event(request("\xff", 1, 1))), nlohmann::json::type_error);
}

// Goal: the same on arbitrary strings and numbers.
RC_GTEST_PROP(EventLine, ArbitraryEventsGiveNlohmannsBytes, (const std::string& s, int64_t t, uint64_t id)) {
  std::string valid;  // nlohmann refuses invalid UTF-8; keep the bytes it accepts as they are
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x80) valid += c;
  t = std::clamp(t, std::numeric_limits<int64_t>::min() + 1, std::numeric_limits<int64_t>::max() - 1);  // t + 1, -t
  for (const Event& e : {Event(request(valid, t, id)), Event(proxy(valid, t, id)), Event(app(valid, t, id))})
    RC_ASSERT(event_line(e) == nlohmann_line(e));
}

}  // namespace
}  // namespace bg::core
