// Clough-Tocher interpolation of electrode values onto the topomap grid, with MNE's 'head'
// extrapolation ring (see eeg_topomap.h for the method and why it was chosen).
//
// Hand-written: OpenCV provides the Delaunay triangulation (cv::Subdiv2D) but no C1 scattered-data
// interpolant, and no Debian C++ package offers one (scipy's is Cython). The scheme follows the
// published method: Farin, "Triangular Bernstein-Bezier patches", CAGD 3 (1986) for the
// Clough-Tocher split, and Nielson (1983) / Renka & Cline (1984) for the gradient estimate.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "ferkit/eeg_topomap.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double cross(const Point2& o, const Point2& a, const Point2& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Delaunay triangles (vertex indices, counter-clockwise) of points, through cv::Subdiv2D.
std::vector<std::array<int, 3>> delaunay(const std::vector<Point2>& points) {
  // Subdiv2D works in float: millimetres keep ~1e-5 mm resolution for head-sized coordinates.
  const double kScale = 1000.0;
  double lim = 1.0;
  for (const auto& p : points) lim = std::max({lim, std::abs(p.x * kScale), std::abs(p.y * kScale)});
  const int box = static_cast<int>(std::ceil(lim)) + 10;
  cv::Subdiv2D subdiv(cv::Rect(-box, -box, 2 * box, 2 * box));
  std::map<std::pair<float, float>, int> index;
  for (size_t i = 0; i < points.size(); ++i) {
    cv::Point2f q(static_cast<float>(points[i].x * kScale), static_cast<float>(points[i].y * kScale));
    if (!index.emplace(std::make_pair(q.x, q.y), static_cast<int>(i)).second) {
      std::ostringstream os;
      os << "two electrodes at (" << points[i].x << ", " << points[i].y << ") m";
      throw Error("topomap electrodes", "distinct positions", os.str());
    }
    subdiv.insert(q);
  }
  std::vector<cv::Vec6f> list;
  subdiv.getTriangleList(list);
  std::vector<std::array<int, 3>> out;
  for (const auto& t : list) {
    std::array<int, 3> tri{};
    bool ok = true;
    for (int k = 0; k < 3 && ok; ++k) {
      auto it = index.find({t[2 * k], t[2 * k + 1]});
      ok = it != index.end();
      if (ok) tri[static_cast<size_t>(k)] = it->second;
    }
    if (!ok) continue;  // a triangle touching Subdiv2D's outer bounding vertices
    if (cross(points[static_cast<size_t>(tri[0])], points[static_cast<size_t>(tri[1])],
              points[static_cast<size_t>(tri[2])]) < 0)
      std::swap(tri[1], tri[2]);
    out.push_back(tri);
  }
  return out;
}

// Barycentric coordinates of q in triangle (a, b, c).
std::array<double, 3> barycentric(const Point2& a, const Point2& b, const Point2& c, const Point2& q) {
  double det = (a.x - c.x) * (b.y - c.y) - (b.x - c.x) * (a.y - c.y);
  double l0 = ((b.y - c.y) * (q.x - c.x) - (b.x - c.x) * (q.y - c.y)) / det;
  double l1 = (-(a.y - c.y) * (q.x - c.x) + (a.x - c.x) * (q.y - c.y)) / det;
  return {l0, l1, 1.0 - l0 - l1};
}

}  // namespace

TopomapInterpolator::TopomapInterpolator(std::vector<Point2> electrodes, int grid, double head_radius)
    : grid_(grid), electrodes_(electrodes.size()) {
  FERKIT_CHECK(grid >= 2, "topomap grid must be >= 2, got " << grid);
  FERKIT_CHECK(head_radius > 0, "topomap head radius must be > 0, got " << head_radius);
  if (electrodes.size() < 3)
    throw Error("topomap electrodes", "at least 3 electrodes", std::to_string(electrodes.size()));
  bool collinear = true;
  for (size_t i = 2; i < electrodes.size() && collinear; ++i)
    collinear = std::abs(cross(electrodes[0], electrodes[1], electrodes[i])) < 1e-12;
  if (collinear) throw Error("topomap electrodes", "electrodes not all on one line", "collinear positions");

  // Image half-width: the head radius, enlarged (as MNE does) to hold every electrode.
  double far = 0;
  for (const auto& p : electrodes) far = std::max(far, std::hypot(p.x, p.y));
  extent_ = head_radius * std::max(1.0, far * 1.01 / head_radius);

  // The extrapolation ring: MNE's 'head' mode around the clip circle.
  // d: the median edge length over every triangle's edges (interior edges count once per triangle).
  std::vector<double> edges;
  for (const auto& t : delaunay(electrodes))
    for (int k = 0; k < 3; ++k) {
      const Point2& a = electrodes[static_cast<size_t>(t[static_cast<size_t>(k)])];
      const Point2& b = electrodes[static_cast<size_t>(t[static_cast<size_t>((k + 1) % 3)])];
      edges.push_back(std::hypot(a.x - b.x, a.y - b.y));
    }
  if (edges.empty() || electrodes.size() < 4) {
    // (Nearly) collinear electrodes have no usable triangles: as MNE does, take the median gap
    // between neighbours along the axis of larger spread.
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (const auto& p : electrodes)
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    std::vector<Point2> sorted = electrodes;
    const bool by_y = y1 - y0 > x1 - x0;
    std::sort(sorted.begin(), sorted.end(),
              [&](const Point2& a, const Point2& b) { return by_y ? a.y < b.y : a.x < b.x; });
    edges.clear();
    for (size_t i = 1; i < sorted.size(); ++i)
      edges.push_back(std::hypot(sorted[i].x - sorted[i - 1].x, sorted[i].y - sorted[i - 1].y));
  }
  const double distance = median(edges);
  const double angle = std::asin(std::min(distance / extent_, 1.0));
  const int ring = std::max(12, static_cast<int>(std::lround(2 * M_PI / angle)));
  const double ring_radius = extent_ * 1.1 + distance;
  for (int i = 0; i < ring; ++i) {
    double a = 2 * M_PI * i / ring;
    extra_.push_back({std::cos(a) * ring_radius, std::sin(a) * ring_radius});
  }
  points_ = electrodes;
  points_.insert(points_.end(), extra_.begin(), extra_.end());

  // Full triangulation, neighbours across edges, vertex adjacency.
  std::map<std::pair<int, int>, std::vector<int>> edge_triangles;
  for (const auto& t : delaunay(points_)) {
    Triangle tri;
    tri.v = t;
    tri.neighbour = {-1, -1, -1};
    triangles_.push_back(tri);
  }
  for (size_t ti = 0; ti < triangles_.size(); ++ti)
    for (int k = 0; k < 3; ++k) {
      int a = triangles_[ti].v[static_cast<size_t>((k + 1) % 3)],
          b = triangles_[ti].v[static_cast<size_t>((k + 2) % 3)];
      edge_triangles[{std::min(a, b), std::max(a, b)}].push_back(static_cast<int>(ti));
    }
  vertex_neighbours_.assign(points_.size(), {});
  for (const auto& [edge, tris] : edge_triangles) {
    vertex_neighbours_[static_cast<size_t>(edge.first)].push_back(edge.second);
    vertex_neighbours_[static_cast<size_t>(edge.second)].push_back(edge.first);
  }
  for (size_t ti = 0; ti < triangles_.size(); ++ti) {
    Triangle& tri = triangles_[ti];
    for (int k = 0; k < 3; ++k) {
      int a = tri.v[static_cast<size_t>((k + 1) % 3)], b = tri.v[static_cast<size_t>((k + 2) % 3)];
      for (int other : edge_triangles[{std::min(a, b), std::max(a, b)}])
        if (other != static_cast<int>(ti)) tri.neighbour[static_cast<size_t>(k)] = other;
    }
    // Edge directions shared with the neighbour (centroid to centroid), expressed by one number per
    // edge so that both triangles agree and the patches join C1; -1/2 on the hull.
    const Point2 &p0 = points_[static_cast<size_t>(tri.v[0])], &p1 = points_[static_cast<size_t>(tri.v[1])],
                 &p2 = points_[static_cast<size_t>(tri.v[2])];
    for (int k = 0; k < 3; ++k) {
      int nb = tri.neighbour[static_cast<size_t>(k)];
      if (nb < 0) {
        tri.g[static_cast<size_t>(k)] = -0.5;
        continue;
      }
      Point2 centroid{0, 0};
      for (int v : triangles_[static_cast<size_t>(nb)].v) {
        centroid.x += points_[static_cast<size_t>(v)].x / 3;
        centroid.y += points_[static_cast<size_t>(v)].y / 3;
      }
      auto c = barycentric(p0, p1, p2, centroid);
      // For the edge opposite vertex k, with i = k+1 and j = k+2 (cyclic).
      double ci = c[static_cast<size_t>((k + 1) % 3)], cj = c[static_cast<size_t>((k + 2) % 3)];
      tri.g[static_cast<size_t>(k)] = (2 * cj + ci - 1) / (2 - 3 * cj - 3 * ci);
    }
  }

  inside_.assign(static_cast<size_t>(grid_ * grid_), 0);
  pixels_.assign(static_cast<size_t>(grid_ * grid_), Location{});
  for (int r = 0; r < grid_; ++r)
    for (int c = 0; c < grid_; ++c) {
      Point2 p = pixel(r, c);
      if (p.x * p.x + p.y * p.y > extent_ * extent_ * (1 + 1e-12)) continue;
      size_t k = static_cast<size_t>(r * grid_ + c);
      inside_[k] = 1;
      pixels_[k] = locate(p);
    }
}

Point2 TopomapInterpolator::pixel(int row, int col) const {
  double step = 2 * extent_ / (grid_ - 1);
  return {-extent_ + step * col, extent_ - step * row};
}

TopomapInterpolator::Location TopomapInterpolator::locate(const Point2& p) const {
  Location best;
  double best_min = -std::numeric_limits<double>::infinity();
  for (size_t t = 0; t < triangles_.size(); ++t) {
    const auto& v = triangles_[t].v;
    auto b = barycentric(points_[static_cast<size_t>(v[0])], points_[static_cast<size_t>(v[1])],
                         points_[static_cast<size_t>(v[2])], p);
    double m = std::min({b[0], b[1], b[2]});
    if (m > best_min) best_min = m, best.triangle = static_cast<int>(t), best.b = b;
  }
  // Inside (up to round-off) or not in the triangulation at all.
  if (best_min < -1e-9) best.triangle = -1;
  return best;
}

std::vector<double> TopomapInterpolator::with_extras(const std::vector<double>& values) const {
  if (values.size() != electrodes_)
    throw Error("topomap values", std::to_string(electrodes_) + " values (one per electrode)",
                std::to_string(values.size()));
  std::vector<double> f = values;
  // border = 'mean': each ring point takes the mean of the electrodes it is joined to.
  std::vector<double> ring(extra_.size(), 0.0);
  std::vector<bool> used(extra_.size(), false);
  double used_sum = 0;
  int used_count = 0;
  for (size_t e = 0; e < extra_.size(); ++e) {
    double sum = 0;
    int n = 0;
    for (int nb : vertex_neighbours_[electrodes_ + e])
      if (static_cast<size_t>(nb) < electrodes_) sum += values[static_cast<size_t>(nb)], ++n;
    if (n > 0) ring[e] = sum / n, used[e] = true, used_sum += ring[e], ++used_count;
  }
  for (size_t e = 0; e < extra_.size(); ++e)
    if (!used[e] && used_count > 0) ring[e] = used_sum / used_count;
  f.insert(f.end(), ring.begin(), ring.end());
  return f;
}

std::vector<std::array<double, 2>> TopomapInterpolator::gradients(const std::vector<double>& f) const {
  // Gauss-Seidel on the per-vertex 2x2 systems minimising the edge curvature of the cubic along
  // every edge at the vertex (Nielson's minimum norm network).
  std::vector<std::array<double, 2>> grad(points_.size(), {0.0, 0.0});
  for (int sweep = 0; sweep < 400; ++sweep) {
    double worst = 0;
    for (size_t i = 0; i < points_.size(); ++i) {
      double q00 = 0, q01 = 0, q11 = 0, s0 = 0, s1 = 0;
      for (int j : vertex_neighbours_[i]) {
        double ex = points_[static_cast<size_t>(j)].x - points_[i].x,
               ey = points_[static_cast<size_t>(j)].y - points_[i].y;
        double l3 = std::pow(std::hypot(ex, ey), 3);
        double slope_j = -(ex * grad[static_cast<size_t>(j)][0] + ey * grad[static_cast<size_t>(j)][1]);
        double rhs = 6 * (f[i] - f[static_cast<size_t>(j)]) - 2 * slope_j;
        q00 += 4 * ex * ex / l3;
        q01 += 4 * ex * ey / l3;
        q11 += 4 * ey * ey / l3;
        s0 += rhs * ex / l3;
        s1 += rhs * ey / l3;
      }
      double det = q00 * q11 - q01 * q01;
      double r0 = (q11 * s0 - q01 * s1) / det, r1 = (-q01 * s0 + q00 * s1) / det;
      double change = std::max(std::abs(grad[i][0] + r0), std::abs(grad[i][1] + r1));
      grad[i] = {-r0, -r1};
      worst = std::max(worst, change / std::max(1.0, std::max(std::abs(r0), std::abs(r1))));
    }
    if (worst < 1e-6) break;
  }
  return grad;
}

double TopomapInterpolator::evaluate(const Location& at, const std::vector<double>& f,
                                     const std::vector<std::array<double, 2>>& grad) const {
  if (at.triangle < 0) return kNaN;
  const Triangle& t = triangles_[static_cast<size_t>(at.triangle)];
  const Point2 &p0 = points_[static_cast<size_t>(t.v[0])], &p1 = points_[static_cast<size_t>(t.v[1])],
               &p2 = points_[static_cast<size_t>(t.v[2])];
  const auto &g0 = grad[static_cast<size_t>(t.v[0])], &g1 = grad[static_cast<size_t>(t.v[1])],
             &g2 = grad[static_cast<size_t>(t.v[2])];
  const double f0 = f[static_cast<size_t>(t.v[0])], f1 = f[static_cast<size_t>(t.v[1])],
               f2 = f[static_cast<size_t>(t.v[2])];
  // Derivatives along the edges, leaving each vertex towards the next and the previous one.
  const double e01x = p1.x - p0.x, e01y = p1.y - p0.y, e12x = p2.x - p1.x, e12y = p2.y - p1.y;
  const double e20x = p0.x - p2.x, e20y = p0.y - p2.y;
  const double d01 = g0[0] * e01x + g0[1] * e01y, d10 = -(g1[0] * e01x + g1[1] * e01y);
  const double d12 = g1[0] * e12x + g1[1] * e12y, d21 = -(g2[0] * e12x + g2[1] * e12y);
  const double d20 = g2[0] * e20x + g2[1] * e20y, d02 = -(g0[0] * e20x + g0[1] * e20y);

  // Bezier ordinates b_ijkl of the three cubic patches; index l belongs to the centroid.
  const double b3000 = f0, b0300 = f1, b0030 = f2;
  const double b2100 = f0 + d01 / 3, b2010 = f0 + d02 / 3;
  const double b1200 = f1 + d10 / 3, b0210 = f1 + d12 / 3;
  const double b1020 = f2 + d20 / 3, b0120 = f2 + d21 / 3;
  const double b2001 = (b2100 + b2010 + b3000) / 3;
  const double b0201 = (b1200 + b0300 + b0210) / 3;
  const double b0021 = (b1020 + b0120 + b0030) / 3;
  // Cross-boundary derivatives linear along each edge (the C1 condition).
  const double b0111 =
      (t.g[0] * (-b0300 + 3 * b0210 - 3 * b0120 + b0030) + (-b0300 + 2 * b0210 - b0120 + b0021 + b0201)) / 2;
  const double b1011 =
      (t.g[1] * (-b0030 + 3 * b1020 - 3 * b2010 + b3000) + (-b0030 + 2 * b1020 - b2010 + b2001 + b0021)) / 2;
  const double b1101 =
      (t.g[2] * (-b3000 + 3 * b2100 - 3 * b1200 + b0300) + (-b3000 + 2 * b2100 - b1200 + b2001 + b0201)) / 2;
  const double b1002 = (b1101 + b1011 + b2001) / 3;
  const double b0102 = (b1101 + b0111 + b0201) / 3;
  const double b0012 = (b1011 + b0111 + b0021) / 3;
  const double b0003 = (b1002 + b0102 + b0012) / 3;

  // Coordinates in the sub-triangle holding the point: subtract the smallest barycentric
  // coordinate from all three and give three times it to the centroid.
  const double m = std::min({at.b[0], at.b[1], at.b[2]});
  const double u = at.b[0] - m, v = at.b[1] - m, w = at.b[2] - m, c = 3 * m;
  return u * u * u * b3000 + v * v * v * b0300 + w * w * w * b0030 + c * c * c * b0003 +
         3 * (u * u * v * b2100 + u * u * w * b2010 + u * u * c * b2001 + u * v * v * b1200 + u * w * w * b1020 +
              u * c * c * b1002 + v * v * w * b0210 + v * v * c * b0201 + v * w * w * b0120 + v * c * c * b0102 +
              w * w * c * b0021 + w * c * c * b0012) +
         6 * (u * v * c * b1101 + u * w * c * b1011 + v * w * c * b0111);
}

std::vector<double> TopomapInterpolator::interpolate(const std::vector<double>& values) const {
  std::vector<double> f = with_extras(values);
  auto grad = gradients(f);
  std::vector<double> out(static_cast<size_t>(grid_ * grid_), kNaN);
  for (size_t k = 0; k < out.size(); ++k)
    if (inside_[k]) out[k] = evaluate(pixels_[k], f, grad);
  return out;
}

std::vector<double> TopomapInterpolator::interpolate_at(const std::vector<double>& values,
                                                        const std::vector<Point2>& points) const {
  std::vector<double> f = with_extras(values);
  auto grad = gradients(f);
  std::vector<double> out;
  out.reserve(points.size());
  for (const auto& p : points) out.push_back(evaluate(locate(p), f, grad));
  return out;
}

}  // namespace ferkit
