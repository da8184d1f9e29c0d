// Temporal smoothing, step 2: a vote over the labels of the last few seconds of one track.
//
//   ferkit::LabelVote vote(ferkit::VoteOptions{});    // window 0.5 s, at least 3 votes to win
//   int candidate = vote.update(t_seconds, argmax(smoothed));   // kNoLabel when nobody has 3 votes
//
// The window holds the labels with timestamp in (t - window_s, t]. The winner is the label with the
// most votes; ties go to the tied label voted most recently. A winner needs at least min_count
// votes, otherwise update() returns kNoLabel (the display keeps its current label). window_s = 0
// disables the vote: update() returns the label it was given. Timestamps must not decrease.
#pragma once

#include <cstddef>
#include <deque>
#include <utility>

namespace ferkit {

constexpr int kNoLabel = -1;  // no label yet / unknown

struct VoteOptions {
  double window_s = 0.5;  // labels of the last window_s seconds vote (0 = no vote)
  int min_count = 3;      // votes a label needs to win
  template <class V> void visit(V& v) {
    v("window_s", window_s, "labels of the last window_s seconds vote (0 = no vote)");
    v("min_count", min_count, "votes a label needs to win");
  }
};

class LabelVote {
 public:
  explicit LabelVote(const VoteOptions& options);
  int update(double timestamp_s, int label);
  size_t size() const { return votes_.size(); }
  void reset() { votes_.clear(); }

 private:
  double window_s_;
  int min_count_;
  std::deque<std::pair<double, int>> votes_;
};

}  // namespace ferkit
