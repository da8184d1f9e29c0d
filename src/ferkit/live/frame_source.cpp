// Capture stage (ferkit/live/frame_source.h): OpenCV videoio for cameras and videos, imread for
// image folders.
#include "ferkit/live/frame_source.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ferkit/console.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

double wall_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

bool is_image_file(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const char* known[] = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"};
  return std::any_of(std::begin(known), std::end(known), [&](const char* k) { return ext == k; });
}

// Frames are handed on as 8-bit BGR whatever the source decodes to.
cv::Mat to_bgr8(const cv::Mat& in) {
  cv::Mat m = in;
  if (m.depth() != CV_8U) {
    cv::Mat c;
    double scale = m.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
    m.convertTo(c, CV_8U, scale);
    m = c;
  }
  if (m.channels() == 1) {
    cv::Mat c;
    cv::cvtColor(m, c, cv::COLOR_GRAY2BGR);
    return c;
  }
  if (m.channels() == 4) {
    cv::Mat c;
    cv::cvtColor(m, c, cv::COLOR_BGRA2BGR);
    return c;
  }
  return m;
}

// OpenCV logs every backend it tries (GStreamer, V4L2) when a source does not open; ferkit says what
// went wrong in one line instead, so OpenCV's logger is silenced while a source opens.
class QuietOpenCvLog {
 public:
  QuietOpenCvLog() : previous_(cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT)) {}
  ~QuietOpenCvLog() { cv::utils::logging::setLogLevel(previous_); }

 private:
  cv::utils::logging::LogLevel previous_;
};

}  // namespace

struct FrameSource::Capture {
  cv::VideoCapture cap;
};

std::vector<std::filesystem::path> list_image_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

FrameSource::FrameSource(const FrameSourceOptions& options) : opt_(options), cap_(std::make_unique<Capture>()) {
  FERKIT_CHECK(opt_.folder_fps > 0, "capture.folder_fps must be > 0, got " << opt_.folder_fps);
  FERKIT_CHECK(opt_.max_frames >= 0, "capture.max_frames must be >= 0, got " << opt_.max_frames);
  const std::string& src = opt_.source;
  if (src.empty()) throw Error("capture source", "a camera index, video file or image folder", "an empty string");
  if (all_digits(src)) {
    kind_ = SourceKind::kCamera;
    int index = std::stoi(src);
    QuietOpenCvLog quiet;
    if (!cap_->cap.open(index))
      throw Error("camera " + src, "a camera that opens (is one connected, and is /dev/video" + src + " readable?)",
                  "it did not open");
    fps_ = 0.0;
  } else if (std::filesystem::is_directory(src)) {
    kind_ = SourceKind::kImageFolder;
    files_ = list_image_files(src);
    if (files_.empty())
      throw Error(src, "a folder with images (.jpg .jpeg .png .bmp .tif .tiff .webp)", "no image files");
    fps_ = opt_.folder_fps;
  } else {
    kind_ = SourceKind::kVideo;
    if (!std::filesystem::exists(src)) throw Error(src, "a video file, image folder or camera index", "no such file");
    bool opened = false;
    QuietOpenCvLog quiet;
    try {
      opened = cap_->cap.open(src, cv::CAP_ANY);
    } catch (const cv::Exception& e) {
      throw Error(src, "a video OpenCV can decode", std::string("an OpenCV error: ") + e.err);
    }
    if (!opened) throw Error(src, "a video OpenCV can decode", "a file no video backend could open");
    fps_ = cap_->cap.get(cv::CAP_PROP_FPS);
    if (!(fps_ > 0 && fps_ < 1000)) {
      warn(src + ": the container reports no frame rate; assuming " + std::to_string(opt_.folder_fps) + " fps");
      fps_ = opt_.folder_fps;
    }
  }
}

FrameSource::~FrameSource() = default;

bool FrameSource::read(Frame& frame) {
  if (opt_.max_frames > 0 && next_index_ >= opt_.max_frames) return false;
  cv::Mat img;
  if (kind_ == SourceKind::kImageFolder) {
    while (next_file_ < files_.size()) {
      const auto& f = files_[next_file_++];
      img = cv::imread(f.string(), cv::IMREAD_COLOR);
      if (!img.empty()) break;
      ++skipped_;
      warn(f.string() + ": not a decodable image; skipped (" + std::to_string(skipped_) + " so far)");
    }
    if (img.empty()) return false;
  } else {
    if (!cap_->cap.read(img) || img.empty()) {
      if (next_index_ == 0)
        throw Error(kind_ == SourceKind::kCamera ? "camera " + opt_.source : opt_.source, "at least one frame",
                    "none could be read");
      return false;
    }
  }
  img = to_bgr8(img);
  if (opt_.mirror) cv::flip(img, img, 1);
  if (size_.empty()) size_ = img.size();
  frame.image = img;
  frame.index = next_index_;
  if (kind_ == SourceKind::kCamera) {
    double now = wall_seconds();
    if (wall_start_ < 0) wall_start_ = now;
    frame.timestamp_s = now - wall_start_;
  } else {
    frame.timestamp_s = static_cast<double>(next_index_) / fps_;
  }
  ++next_index_;
  return true;
}

std::string FrameSource::describe() const {
  std::ostringstream os;
  switch (kind_) {
    case SourceKind::kCamera: os << "camera " << opt_.source; break;
    case SourceKind::kVideo: os << "video " << opt_.source; break;
    case SourceKind::kImageFolder: os << "image folder " << opt_.source << " (" << files_.size() << " images)"; break;
  }
  if (!size_.empty()) os << " " << size_.width << "x" << size_.height;
  if (fps_ > 0) os << " at " << fps_ << " fps";
  return os.str();
}

}  // namespace ferkit
