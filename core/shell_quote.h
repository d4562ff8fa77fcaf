#pragma once
// One word for a POSIX shell: as it is when nothing in it is special to the shell, else in single
// quotes (a quote inside becomes '\''). The lines bluegreen prints for a user to paste (the replay
// command) and the holder of a locked --out folder use it, so a folder with spaces replays.
#include <string>
#include <string_view>

namespace bg::core {

std::string shell_quote(std::string_view word);

}  // namespace bg::core
