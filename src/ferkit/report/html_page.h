// Internal: a self-contained HTML page (inline CSS, images as base64 data URIs, no scripts, nothing
// fetched over the network), built section by section. Used by the run report.
//
//   HtmlPage page("Run runs/b0");
//   page.heading("Metrics");
//   page.table({"metric", "value"}, {{"acc", "0.81"}});
//   page.image("runs/b0/report/per_class.png", "Per-class precision, recall and F1");
//   std::string html = page.str();
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ferkit::html {

// &, <, >, " and ' escaped.
std::string escape(const std::string& text);
// Standard base64 (RFC 4648, with padding) of bytes, via OpenSSL.
std::string base64(const std::string& bytes);
// "data:image/png;base64,..." of a PNG file (ferkit::Error naming it when unreadable).
std::string png_data_uri(const std::filesystem::path& png);

class Page {
 public:
  explicit Page(std::string title);
  void heading(const std::string& text, int level = 2);
  void paragraph(const std::string& text);  // escaped
  void note(const std::string& text);       // a muted paragraph (what is missing and why)
  void raw(const std::string& html);        // appended as is
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  void image(const std::filesystem::path& png, const std::string& caption);  // embedded
  void preformatted(const std::string& text);
  size_t images() const { return images_; }
  std::string str() const;

 private:
  std::string title_, body_;
  size_t images_ = 0;
};

}  // namespace ferkit::html
