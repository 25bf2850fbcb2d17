#include "api/qr_png.h"

#include <png.h>
#include <qrencode.h>
#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace gatehouse::api {

namespace {
constexpr int kQuietZone = 4;  // modules of white around the code, as ISO 18004 asks

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
}  // namespace

Result<std::string> qr_png(std::string_view text, int scale) {
  const std::string input(text);  // libqrencode wants a NUL-terminated string
  std::unique_ptr<QRcode, QrFree> qr(
      QRcode_encodeString8bit(input.c_str(), /*version=*/0, QR_ECLEVEL_M));
  if (!qr) {
    if (errno == ERANGE) return make_error(Errc::kInvalidArgument, "too long for a QR code");
    return make_error(Errc::kInternal, "qrencode failed");
  }
  const int modules = qr->width + 2 * kQuietZone;
  const int side = modules * scale;
  std::vector<unsigned char> pixels(static_cast<size_t>(side) * static_cast<size_t>(side), 0xff);
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if ((qr->data[y * qr->width + x] & 1) == 0) continue;  // bit 0: a dark module
      for (int dy = 0; dy < scale; ++dy) {
        const size_t row = static_cast<size_t>((y + kQuietZone) * scale + dy) * side;
        std::memset(&pixels[row + static_cast<size_t>((x + kQuietZone) * scale)], 0,
                    static_cast<size_t>(scale));
      }
    }
  }
  // libpng's simplified API: no setjmp, errors come back as a return value.
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return make_error(Errc::kInternal, std::string("png: ") + image.message);
  }
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return make_error(Errc::kInternal, std::string("png: ") + image.message);
  }
  png.resize(size);
  return png;
}

std::string base64_standard(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace gatehouse::api
