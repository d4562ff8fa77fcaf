#include "explore/case_lookahead.h"

#include <algorithm>
#include <set>

namespace bg::explore {

CaseLookahead::CaseLookahead(std::vector<Case> upcoming, int first_index, int workers, Run run, Drop drop)
    : upcoming_(std::move(upcoming)),
      window_(kCasesPerWorker * static_cast<size_t>(std::max(workers, 1))),
      run_(std::move(run)),
      drop_(std::move(drop)),
      next_index_(first_index) {
  std::set<std::string> seen;
  for (const auto& c : upcoming_) repeats_.push_back(!seen.insert(describe(c)).second);
  for (int i = 0; i < std::max(workers, 1); ++i) workers_.emplace_back([this] { work(); });
}

CaseLookahead::~CaseLookahead() {
  stop();
  for (auto& w : workers_) w.join();
}

void CaseLookahead::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) return;
    // The next case that is not a repeat, once it is within the window past the one waited for.
    while (next_position_ < upcoming_.size() && repeat(next_position_)) ++next_position_;
    if (pausing_ || next_position_ >= upcoming_.size() || next_position_ >= waited_ + window_) {
      changed_.wait(lock);  // a worker stays: starting again from an earlier case needs it
      continue;
    }
    const size_t position = next_position_++;
    Slot& slot = slots_[position];  // stays put: a running case's slot is never erased
    slot.index = next_index_++;
    ++running_;
    lock.unlock();
    reports::RunResult result;
    std::exception_ptr error;
    try {
      result = run_(upcoming_[position], slot.index);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    slot.result = std::move(result);
    slot.error = error;
    slot.done = true;
    --running_;
    changed_.notify_all();
  }
}

std::optional<reports::RunResult> CaseLookahead::take(size_t position, const Case& c, int index) {
  std::unique_lock lock(mutex_);
  if (stopped_ || position >= upcoming_.size()) return std::nullopt;
  if (repeat(position) || describe(upcoming_[position]) != describe(c)) {
    // Not the search foreseen: nothing further run ahead could be taken.
    stopped_ = true;
    drop_all(lock);
    return std::nullopt;
  }
  while (next_position_ < upcoming_.size() && repeat(next_position_)) ++next_position_;
  auto it = slots_.find(position);
  const bool foreseen =
      it != slots_.end() ? it->second.index == index : position == next_position_ && next_index_ == index;
  if (!foreseen) {
    // The search numbered its cases otherwise than foreseen (a case it ran twice to confirm a
    // violation): what was run ahead carries the wrong numbers. Start again from this case.
    drop_all(lock);
    next_position_ = position;
    next_index_ = index;
  }
  waited_ = position;
  changed_.notify_all();
  changed_.wait(lock, [&] {
    auto s = slots_.find(position);
    return stopped_ || (s != slots_.end() && s->second.done);
  });
  auto s = slots_.find(position);
  if (s == slots_.end() || !s->second.done) return std::nullopt;
  Slot slot = std::move(s->second);
  slots_.erase(s);
  if (slot.error) std::rethrow_exception(slot.error);
  return std::move(slot.result);
}

void CaseLookahead::stop() {
  std::unique_lock lock(mutex_);
  stopped_ = true;
  drop_all(lock);
}

void CaseLookahead::drop_all(std::unique_lock<std::mutex>& lock) {
  pausing_ = true;  // no case starts while the running ones end
  changed_.wait(lock, [&] { return running_ == 0; });
  for (auto& [position, slot] : slots_) drop_(slot.index);
  slots_.clear();
  pausing_ = false;
  changed_.notify_all();
}

}  // namespace bg::explore
