// Capture stage: frames with timestamps from a camera, a video file or a folder of images.
//
//   ferkit::FrameSourceOptions o;
//   o.source = "clip.mp4";                 // or "0" (camera index) or "frames/" (image folder)
//   ferkit::FrameSource src(o);            // throws ferkit::Error when it cannot be opened
//   ferkit::Frame f;
//   while (src.read(f)) { f.image; f.index; f.timestamp_s; }
//
// Contract:
// - A source made only of digits is a camera index; an existing directory is an image folder
//   (files ending .jpg .jpeg .png .bmp .tif .tiff .webp, sorted by name); anything else is a video
//   file opened with OpenCV videoio.
// - Timestamps: video -> index / the video's fps (folder_fps when the container reports none);
//   image folder -> index / folder_fps; camera -> wall-clock seconds since the camera opened.
// - Images are 8-bit BGR. mirror flips them left-right (what a webcam user expects to see).
// - An image in a folder that cannot be decoded is skipped, counted in skipped() with a warning.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace ferkit {

struct FrameSourceOptions {
  std::string source = "0";   // camera index, video file or image folder
  bool mirror = false;        // flip frames left-right
  double folder_fps = 30.0;   // frame rate assumed for image folders and fps-less videos
  int64_t max_frames = 0;     // stop after this many frames (0 = until the source ends)
  template <class V> void visit(V& v) {
    v("source", source, "camera index, video file or image folder");
    v("mirror", mirror, "flip frames left-right");
    v("folder_fps", folder_fps, "frame rate assumed for image folders and videos without one");
    v("max_frames", max_frames, "stop after this many frames (0 = until the source ends)");
  }
};

struct Frame {
  cv::Mat image;             // 8-bit BGR
  int64_t index = 0;         // 0, 1, 2, ... in reading order
  double timestamp_s = 0.0;  // seconds from the first frame
};

enum class SourceKind { kCamera, kVideo, kImageFolder };

class FrameSource {
 public:
  explicit FrameSource(const FrameSourceOptions& options);
  ~FrameSource();
  FrameSource(const FrameSource&) = delete;
  FrameSource& operator=(const FrameSource&) = delete;

  // Reads the next frame; false at the end of the source (or after max_frames).
  bool read(Frame& frame);

  SourceKind kind() const { return kind_; }
  double fps() const { return fps_; }           // nominal frame rate (0 for cameras)
  cv::Size frame_size() const { return size_; }  // size of the first frame (0x0 before it)
  int64_t skipped() const { return skipped_; }   // undecodable folder images
  std::string describe() const;                  // "video clip.mp4 (640x360, 30 fps)"

 private:
  struct Capture;
  FrameSourceOptions opt_;
  SourceKind kind_ = SourceKind::kVideo;
  std::unique_ptr<Capture> cap_;
  std::vector<std::filesystem::path> files_;
  size_t next_file_ = 0;
  int64_t next_index_ = 0, skipped_ = 0;
  double fps_ = 0.0;
  cv::Size size_;
  double wall_start_ = -1.0;
};

// The sorted image files of a folder (the order FrameSource reads them in).
std::vector<std::filesystem::path> list_image_files(const std::filesystem::path& folder);

}  // namespace ferkit
