// Text, ticks, axes, legends and colour maps on a cv::Mat (see plot.h for why this is hand-written).
#include "ferkit/report/plot_canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit::plot::canvas {

cv::Scalar series_colour(size_t i) {
  static const cv::Scalar tab10[] = {
      {180, 119, 31}, {14, 127, 255}, {44, 160, 44},  {40, 39, 214},   {189, 103, 148},
      {75, 86, 140},  {194, 119, 227}, {127, 127, 127}, {34, 189, 188}, {207, 190, 23}};
  return tab10[i % 10];
}

cv::Scalar viridis(double t) {
  static const cv::Mat lut = [] {
    cv::Mat ramp(1, 256, CV_8UC1);
    for (int i = 0; i < 256; ++i) ramp.at<uint8_t>(0, i) = static_cast<uint8_t>(i);
    cv::Mat out;
    cv::applyColorMap(ramp, out, cv::COLORMAP_VIRIDIS);
    return out;
  }();
  if (!std::isfinite(t)) t = 0;
  const int i = static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * 255.0));
  const cv::Vec3b c = lut.at<cv::Vec3b>(0, i);
  return cv::Scalar(c[0], c[1], c[2]);
}

Font body_font(const cv::Mat& img) {
  Font f;
  f.scale = std::clamp(0.45 * std::min(img.cols / 800.0, img.rows / 560.0), 0.3, 0.9);
  return f;
}

Font title_font(const cv::Mat& img) {
  Font f = body_font(img);
  f.scale *= 1.3;
  f.thickness = 1;
  return f;
}

cv::Size text_size(const std::string& text, const Font& font) {
  int baseline = 0;
  cv::Size s = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font.scale, font.thickness, &baseline);
  return {s.width, s.height + baseline};
}

void draw_text(cv::Mat& img, const std::string& text, cv::Point anchor, HAlign h, VAlign v, const Font& font,
               bool vertical) {
  if (text.empty()) return;
  int baseline = 0;
  const cv::Size s = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font.scale, font.thickness, &baseline);
  const int w = s.width, ht = s.height + baseline;
  if (vertical) {
    // OpenCV draws only horizontal text: render it on a patch and rotate the patch.
    cv::Mat patch(ht + 2, w + 2, img.type(), kWhite);
    cv::putText(patch, text, cv::Point(1, s.height + 1), cv::FONT_HERSHEY_SIMPLEX, font.scale, font.colour,
                font.thickness, cv::LINE_AA);
    cv::rotate(patch, patch, cv::ROTATE_90_COUNTERCLOCKWISE);
    int x = anchor.x - (h == HAlign::kCentre ? patch.cols / 2 : h == HAlign::kRight ? patch.cols : 0);
    int y = anchor.y - (v == VAlign::kMiddle ? patch.rows / 2 : v == VAlign::kBottom ? patch.rows : 0);
    cv::Rect dst = cv::Rect(x, y, patch.cols, patch.rows) & cv::Rect(0, 0, img.cols, img.rows);
    if (dst.area() == 0) return;
    cv::Mat src = patch(cv::Rect(dst.x - x, dst.y - y, dst.width, dst.height));
    // Copy only the ink so that the patch's white background does not hide what is beneath.
    cv::Mat ink;
    cv::cvtColor(src, ink, cv::COLOR_BGR2GRAY);
    src.copyTo(img(dst), ink < 250);
    return;
  }
  int x = anchor.x - (h == HAlign::kCentre ? w / 2 : h == HAlign::kRight ? w : 0);
  int y_top = anchor.y - (v == VAlign::kMiddle ? ht / 2 : v == VAlign::kBottom ? ht : 0);
  cv::putText(img, text, cv::Point(x, y_top + s.height), cv::FONT_HERSHEY_SIMPLEX, font.scale, font.colour,
              font.thickness, cv::LINE_AA);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) return {lo};
  const double raw = (hi - lo) / std::max(target - 1, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> ticks;
  const double first = std::ceil(lo / step - 1e-9) * step;
  for (double t = first; t <= hi + step * 1e-9; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", std::max(decimals, 0), value);
  return buf;
}

std::string tick_label(double value, double step) {
  int decimals = 0;
  if (step > 0) {
    // Enough decimals to tell neighbouring ticks apart (2.5 steps need one more).
    decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    if (std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6) ++decimals;
  }
  if (std::abs(value) >= 1e6 || (value != 0 && std::abs(value) < 1e-4)) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.2g", value);
    return buf;
  }
  return fixed(value, decimals);
}

double Axes::px(double x) const { return area.x + (x - x0) / (x1 - x0) * area.width; }
double Axes::py(double y) const { return area.y + area.height - (y - y0) / (y1 - y0) * area.height; }
cv::Point Axes::point(double x, double y) const {
  return {static_cast<int>(std::lround(px(x))), static_cast<int>(std::lround(py(y)))};
}

int y_axis_margin(const cv::Mat& img, const AxisStyle& y) {
  const Font f = body_font(img);
  int widest = 0;
  for (size_t i = 0; i < y.ticks.size(); ++i) {
    const double step = y.ticks.size() > 1 ? y.ticks[1] - y.ticks[0] : 0;
    const std::string s = i < y.tick_labels.size() ? y.tick_labels[i] : tick_label(y.ticks[i], step);
    widest = std::max(widest, text_size(s, f).width);
  }
  return widest + 12 + (y.label.empty() ? 0 : text_size(y.label, f).height + 10) + 6;
}

int x_axis_margin(const cv::Mat& img, const AxisStyle& x) {
  const Font f = body_font(img);
  int tallest = 0;
  const double step = x.ticks.size() > 1 ? x.ticks[1] - x.ticks[0] : 0;
  for (size_t i = 0; i < x.ticks.size(); ++i) {
    const std::string s = i < x.tick_labels.size() ? x.tick_labels[i] : tick_label(x.ticks[i], step);
    const cv::Size ts = text_size(s, f);
    tallest = std::max(tallest, x.vertical_labels ? ts.width : ts.height);
  }
  return tallest + 14 + (x.label.empty() ? 0 : text_size(x.label, f).height + 8) + 8;
}

bool labels_crowded(const cv::Mat& img, const std::vector<std::string>& labels, double spacing) {
  const Font f = body_font(img);
  for (const auto& s : labels)
    if (text_size(s, f).width + 6 > spacing) return true;
  return false;
}

void draw_axes(cv::Mat& img, const Axes& ax, const AxisStyle& x, const AxisStyle& y) {
  const Font f = body_font(img);
  const cv::Rect& a = ax.area;
  const double xstep = x.ticks.size() > 1 ? x.ticks[1] - x.ticks[0] : 0;
  const double ystep = y.ticks.size() > 1 ? y.ticks[1] - y.ticks[0] : 0;
  int tick_label_height = 0;
  for (size_t i = 0; i < x.ticks.size(); ++i) {
    const int px = static_cast<int>(std::lround(ax.px(x.ticks[i])));
    if (px < a.x - 1 || px > a.x + a.width + 1) continue;
    if (x.grid) cv::line(img, {px, a.y}, {px, a.y + a.height}, kGridGrey, 1);
    cv::line(img, {px, a.y + a.height}, {px, a.y + a.height + 5}, kAxisGrey, 1);
    const std::string s = i < x.tick_labels.size() ? x.tick_labels[i] : tick_label(x.ticks[i], xstep);
    draw_text(img, s, {px, a.y + a.height + 8}, HAlign::kCentre, VAlign::kTop, f, x.vertical_labels);
    const cv::Size ts = text_size(s, f);
    tick_label_height = std::max(tick_label_height, x.vertical_labels ? ts.width : ts.height);
  }
  int widest = 0;
  for (size_t i = 0; i < y.ticks.size(); ++i) {
    const int py = static_cast<int>(std::lround(ax.py(y.ticks[i])));
    if (py < a.y - 1 || py > a.y + a.height + 1) continue;
    if (y.grid) cv::line(img, {a.x, py}, {a.x + a.width, py}, kGridGrey, 1);
    cv::line(img, {a.x - 5, py}, {a.x, py}, kAxisGrey, 1);
    const std::string s = i < y.tick_labels.size() ? y.tick_labels[i] : tick_label(y.ticks[i], ystep);
    draw_text(img, s, {a.x - 8, py}, HAlign::kRight, VAlign::kMiddle, f);
    widest = std::max(widest, text_size(s, f).width);
  }
  cv::rectangle(img, a, kAxisGrey, 1);
  draw_text(img, x.label, {a.x + a.width / 2, a.y + a.height + 14 + tick_label_height}, HAlign::kCentre, VAlign::kTop,
            f);
  draw_text(img, y.label, {a.x - 14 - widest, a.y + a.height / 2}, HAlign::kRight, VAlign::kMiddle, f, true);
}

void draw_title(cv::Mat& img, const std::string& title) {
  draw_text(img, title, {img.cols / 2, 10}, HAlign::kCentre, VAlign::kTop, title_font(img));
}

namespace {

std::vector<const LegendEntry*> shown_entries(const std::vector<LegendEntry>& entries) {
  std::vector<const LegendEntry*> shown;
  for (const auto& e : entries)
    if (!e.name.empty()) shown.push_back(&e);
  return shown;
}

cv::Rect legend_rect(const cv::Mat& img, const cv::Rect& area, const std::vector<const LegendEntry*>& shown,
                     Corner corner) {
  const Font f = body_font(img);
  const int line_h = text_size("Ag", f).height + 6, swatch = 22;
  int widest = 0;
  for (const auto* e : shown) widest = std::max(widest, text_size(e->name, f).width);
  const int w = swatch + 14 + widest + 8, h = line_h * static_cast<int>(shown.size()) + 8;
  const bool right = corner == Corner::kTopRight || corner == Corner::kBottomRight;
  const bool top = corner == Corner::kTopRight || corner == Corner::kTopLeft;
  return {right ? area.x + area.width - w - 8 : area.x + 8, top ? area.y + 8 : area.y + area.height - h - 8, w, h};
}

}  // namespace

Corner emptiest_corner(const cv::Mat& img, const cv::Rect& area, const std::vector<LegendEntry>& entries) {
  const auto shown = shown_entries(entries);
  Corner best = Corner::kTopRight;
  int64_t fewest = -1;
  for (Corner c : {Corner::kTopRight, Corner::kTopLeft, Corner::kBottomRight, Corner::kBottomLeft}) {
    const cv::Rect r = legend_rect(img, area, shown, c) & cv::Rect(0, 0, img.cols, img.rows);
    int64_t ink = 0;  // pixels that are neither background nor grid
    for (int y = r.y; y < r.y + r.height; ++y)
      for (int x = r.x; x < r.x + r.width; ++x) {
        const cv::Vec3b p = img.at<cv::Vec3b>(y, x);
        ink += p[0] + p[1] + p[2] < 3 * 215;
      }
    if (fewest < 0 || ink < fewest) {
      fewest = ink;
      best = c;
    }
  }
  return best;
}

void draw_legend(cv::Mat& img, const cv::Rect& area, const std::vector<LegendEntry>& entries, Corner corner) {
  const auto shown = shown_entries(entries);
  if (shown.empty()) return;
  const Font f = body_font(img);
  const int line_h = text_size("Ag", f).height + 6, swatch = 22;
  const cv::Rect box = legend_rect(img, area, shown, corner);
  const int x = box.x, y = box.y, w = box.width, h = box.height;
  cv::rectangle(img, cv::Rect(x, y, w, h), kWhite, cv::FILLED);
  cv::rectangle(img, cv::Rect(x, y, w, h), kAxisGrey, 1);
  for (size_t i = 0; i < shown.size(); ++i) {
    const int cy = y + 4 + line_h * static_cast<int>(i) + line_h / 2;
    const auto& e = *shown[i];
    if (e.box) {
      cv::rectangle(img, cv::Rect(x + 6, cy - 5, swatch, 10), e.colour, cv::FILLED);
    } else if (e.dashed) {
      for (int s = 0; s < swatch; s += 8) cv::line(img, {x + 6 + s, cy}, {x + 6 + std::min(s + 4, swatch), cy}, e.colour, 2);
    } else {
      cv::line(img, {x + 6, cy}, {x + 6 + swatch, cy}, e.colour, 2, cv::LINE_AA);
    }
    draw_text(img, e.name, {x + swatch + 14, cy}, HAlign::kLeft, VAlign::kMiddle, f);
  }
}

void draw_series(cv::Mat& img, const Axes& ax, const std::vector<double>& x, const std::vector<double>& y,
                 const cv::Scalar& colour, int thickness, bool dashed, bool markers) {
  cv::Mat layer = img(ax.area);  // clip to the axes: draw in area-relative coordinates
  auto rel = [&](double vx, double vy) {
    return cv::Point2d(ax.px(vx) - ax.area.x, ax.py(vy) - ax.area.y);
  };
  double dash_phase = 0;
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || !std::isfinite(x[i + 1]) || !std::isfinite(y[i + 1])) continue;
    const cv::Point2d a = rel(x[i], y[i]), b = rel(x[i + 1], y[i + 1]);
    if (!dashed) {
      cv::line(layer, a, b, colour, thickness, cv::LINE_AA);
      continue;
    }
    const double len = cv::norm(b - a);
    for (double s = 0; s < len;) {  // 8 px on, 5 px off, continued across segments
      const double period = 13.0, pos = std::fmod(dash_phase + s, period);
      const double run = pos < 8 ? std::min(8 - pos, len - s) : std::min(period - pos, len - s);
      if (pos < 8) cv::line(layer, a + (b - a) * (s / len), a + (b - a) * ((s + run) / len), colour, thickness, cv::LINE_AA);
      s += std::max(run, 1e-6);
    }
    dash_phase = std::fmod(dash_phase + len, 13.0);
  }
  if (markers)
    for (size_t i = 0; i < x.size(); ++i)
      if (std::isfinite(x[i]) && std::isfinite(y[i])) cv::circle(layer, rel(x[i], y[i]), thickness + 2, colour, cv::FILLED, cv::LINE_AA);
}

void draw_colour_bar(cv::Mat& img, const cv::Rect& box, double vmin, double vmax, const std::string& label) {
  for (int r = 0; r < box.height; ++r) {
    const double t = box.height > 1 ? 1.0 - static_cast<double>(r) / (box.height - 1) : 1.0;
    cv::line(img, {box.x, box.y + r}, {box.x + box.width - 1, box.y + r}, viridis(t), 1);
  }
  cv::rectangle(img, box, kAxisGrey, 1);
  const Font f = body_font(img);
  const auto ticks = nice_ticks(vmin, vmax, 6);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 0;
  int widest = 0;
  for (double t : ticks) {
    const double frac = vmax > vmin ? (t - vmin) / (vmax - vmin) : 0.5;
    const int y = box.y + box.height - 1 - static_cast<int>(std::lround(frac * (box.height - 1)));
    cv::line(img, {box.x + box.width, y}, {box.x + box.width + 4, y}, kAxisGrey, 1);
    const std::string s = tick_label(t, step);
    draw_text(img, s, {box.x + box.width + 7, y}, HAlign::kLeft, VAlign::kMiddle, f);
    widest = std::max(widest, text_size(s, f).width);
  }
  draw_text(img, label, {box.x + box.width + 12 + widest, box.y + box.height / 2}, HAlign::kLeft, VAlign::kMiddle, f,
            true);
}

cv::Mat blank(int width, int height, const std::string& what) {
  if (width < 120 || height < 100)
    throw Error(what, "an image of at least 120 x 100 pixels", std::to_string(width) + " x " + std::to_string(height));
  return cv::Mat(height, width, CV_8UC3, kWhite);
}

void save_png(const cv::Mat& img, const std::filesystem::path& png) {
  if (png.has_parent_path()) std::filesystem::create_directories(png.parent_path());
  bool ok = false;
  try {
    ok = cv::imwrite(png.string(), img);
  } catch (const cv::Exception& e) {
    throw Error(png.string(), "a writable PNG file", e.what());
  }
  if (!ok) throw Error(png.string(), "a writable PNG file", "OpenCV could not write it");
}

PixelBox to_box(const cv::Rect& r) { return PixelBox{r.x, r.y, r.width, r.height}; }

}  // namespace ferkit::plot::canvas
