// Self-contained HTML pages (src/ferkit/report/html_page.h). Base64 comes from OpenSSL
// (EVP_EncodeBlock), already a dependency for SHA-256.
#include "ferkit/report/html_page.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "ferkit/error.h"

namespace ferkit::html {

namespace {
// &, < and > always; quotes too when the text may land inside an attribute value.
std::string escape_chars(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += quotes ? "&quot;" : "\""; break;
      case '\'': out += quotes ? "&#39;" : "'"; break;
      default: out += ch;
    }
  }
  return out;
}
}  // namespace

std::string escape(const std::string& text) { return escape_chars(text, true); }

// Element content: quotes stay readable (and searchable) in <pre>.
std::string escape_text(const std::string& text) { return escape_chars(text, false); }

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string png_data_uri(const std::filesystem::path& png) {
  std::ifstream in(png, std::ios::binary);
  if (!in) throw Error(png.string(), "a readable PNG file", "cannot open it");
  std::stringstream ss;
  ss << in.rdbuf();
  return "data:image/png;base64," + base64(ss.str());
}

Page::Page(std::string title) : title_(std::move(title)) {}

void Page::heading(const std::string& text, int level) {
  const std::string tag = "h" + std::to_string(level);
  body_ += "<" + tag + ">" + escape(text) + "</" + tag + ">\n";
}

void Page::paragraph(const std::string& text) { body_ += "<p>" + escape(text) + "</p>\n"; }
void Page::note(const std::string& text) { body_ += "<p class=\"note\">" + escape(text) + "</p>\n"; }
void Page::raw(const std::string& html) { body_ += html; }

void Page::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  body_ += "<table>\n<thead><tr>";
  for (const auto& h : header) body_ += "<th>" + escape(h) + "</th>";
  body_ += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    body_ += "<tr>";
    for (const auto& cell : row) body_ += "<td>" + escape(cell) + "</td>";
    body_ += "</tr>\n";
  }
  body_ += "</tbody>\n</table>\n";
}

void Page::image(const std::filesystem::path& png, const std::string& caption) {
  body_ += "<figure><img src=\"" + png_data_uri(png) + "\" alt=\"" + escape(caption) + "\"><figcaption>" +
           escape(caption) + " <span class=\"file\">(" + escape(png.filename().string()) + ")</span></figcaption></figure>\n";
  ++images_;
}

void Page::preformatted(const std::string& text) { body_ += "<pre>" + escape_text(text) + "</pre>\n"; }

std::string Page::str() const {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title_) +
         "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;background:#fff;line-height:1.4}\n"
         "h1{border-bottom:2px solid #444}h2{border-bottom:1px solid #bbb;margin-top:2em}\n"
         "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 10px;text-align:right}\n"
         "th{background:#eee}td:first-child,th:first-child{text-align:left}\n"
         "figure{display:inline-block;margin:0.5em;vertical-align:top}img{max-width:100%;border:1px solid #ddd}\n"
         "figcaption{font-size:0.9em;color:#444}.file{color:#888}.note{color:#777;font-style:italic}\n"
         "pre{background:#f6f6f6;border:1px solid #ddd;padding:0.8em;overflow-x:auto;font-size:0.85em}\n"
         "</style>\n</head>\n<body>\n<h1>" +
         escape(title_) + "</h1>\n" + body_ + "</body>\n</html>\n";
}

}  // namespace ferkit::html
