#include "reports/html_style.h"

namespace bg::reports {

std::string_view html_style() {
  return R"css(
:root { --ink:#1d2733; --muted:#5f6b7a; --line:#e1e6ec; --bad:#c62828; --good:#2e7d32; --err:#6d4c41; }
* { box-sizing: border-box; }
body { margin:0; background:#f5f7fa; color:var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif; }
main { max-width: 1160px; margin: 0 auto; padding: 20px 24px 40px; }
header { display:flex; justify-content:space-between; align-items:center; background:#fff; border-radius:10px;
  padding:18px 24px; border-left: 10px solid var(--muted); box-shadow: 0 1px 3px rgba(0,0,0,.08); }
header.held { border-left-color: var(--good); } header.violated { border-left-color: var(--bad); }
header.error { border-left-color: var(--err); }
.kicker { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.08em; }
h1 { margin: 2px 0; font-size: 26px; } .sub { color:var(--muted); font-size:12px; }
.verdict { font-size: 26px; font-weight: 800; letter-spacing:.04em; padding: 8px 18px; border-radius: 8px;
  color:#fff; background: var(--muted); }
.held .verdict { background: var(--good); } .violated .verdict { background: var(--bad); }
.error .verdict { background: var(--err); }
.expect { margin: 10px 4px; } .expect.bad { color: var(--bad); }
pre.error { background:#fff3e0; border:1px solid #ffcc80; padding:10px; border-radius:6px; white-space:pre-wrap; }
.tiles { display:grid; grid-template-columns: repeat(7, 1fr); gap:10px; margin:14px 0; }
.tile { background:#fff; border-radius:8px; padding:10px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.tile b { display:block; font-size:22px; } .tile span { color:var(--muted); font-size:12px; }
.tile.bad b { color: var(--bad); }
section { background:#fff; border-radius:10px; padding: 14px 20px 18px; margin: 14px 0;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { font-size: 17px; margin: 4px 0 8px; }
.hint { color: var(--muted); font-size: 12.5px; margin: 4px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align:left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background:#fafbfc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.bad { color: var(--bad); font-weight: 700; }
.none { color: #b0b8c1; }
.pill { display:inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 700; color:#fff; }
.pill.held { background: var(--good); } .pill.violated { background: var(--bad); }
ul.evidence { margin: 4px 0 0; padding-left: 18px; color: #37414d; font-size: 12.5px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
.legend { display:flex; flex-wrap: wrap; gap: 6px 16px; margin: 4px 0 6px; font-size: 12.5px; }
.legend small { color: var(--muted); } .legend .note { color: var(--muted); }
i.sw { display:inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.chart { overflow-x: auto; } .chart svg { display:block; max-width: 100%; height: auto; }
svg text { fill: #3c4754; font-family: inherit; } svg .lane-label { fill:#3c4754; font-size: 11.5px; }
svg .axis-title { fill: var(--muted); } svg .swap-label { font-weight: 700; fill:#263238; }
svg .bucket:hover rect { opacity: .75; }
.failure { border-left: 4px solid var(--bad); background:#fffafa; padding: 8px 12px; margin: 8px 0; border-radius: 4px; }
.failure .cause { color: var(--bad); }
.attempts { color:#37414d; font-size: 12.5px; margin-top: 3px; }
pre.log { background:#263238; color:#eceff1; padding: 8px 10px; border-radius: 4px; margin: 6px 0;
  white-space: pre-wrap; word-break: break-word; }
.containers { font-size: 12.5px; color: #37414d; }
.containers span { display:inline-block; background:#eef1f5; border-radius: 4px; padding: 0 6px; margin: 2px 4px 0 0; }
pre.cmd { background:#263238; color:#b9f6ca; padding: 10px 12px; border-radius: 6px; font-size: 13.5px; }
table.drawn { width: auto; min-width: 360px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 20px; }
)css";
}

}  // namespace bg::reports
