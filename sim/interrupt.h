#pragma once
// Interrupt: the process-wide request to stop that a signal makes (SIGINT from Ctrl-C, SIGTERM from a
// CI cancel, SIGHUP from a closed terminal). The CLI's signal thread raises it (never a signal
// handler: stopping a run takes locks); each run in progress registers how to stop itself and ends in
// order (World::shutdown), writes its history and reports marked interrupted; the CLI then exits
// 128+signal. A second signal is the user insisting: the registered `force` steps run (close the
// history as it stands) and the CLI kills what the run started and exits at once.
#include <functional>
#include <string>

namespace bg::sim {

class Interrupt {
 public:
  // The signal that asked to stop, 0 when none.
  static int signal();
  static bool requested() { return signal() != 0; }
  // "SIGINT", "SIGTERM", "SIGHUP", "signal N"; "" when none.
  static std::string signal_name();
  static std::string signal_name(int signal);

  // The first signal: records it and calls every registered stop. False when one was already raised.
  static bool raise(int signal);
  // The second: calls every registered force step (each at most once).
  static void force();
  // Forgets the signal (tests that interrupt more than one run in a process).
  static void reset();

  // A run's stop and force steps while it is registered. If a signal was already raised, `stop` is
  // called at once.
  class Registration {
   public:
    Registration(Registration&&) = delete;
    ~Registration();

   private:
    friend class Interrupt;
    explicit Registration(int id) : id_(id) {}
    int id_;
  };
  [[nodiscard]] static Registration on_interrupt(std::function<void()> stop, std::function<void()> force = {});
};

}  // namespace bg::sim
