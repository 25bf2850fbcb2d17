// QR codes as PNG images, for the `image` of a TOTP enrolment (authenticator apps scan
// the otpauth:// URI from it). Debian's libqrencode draws the code, libpng writes it.
//
//   Result<std::string> png = api::qr_png("otpauth://totp/…");   // PNG bytes
//   std::string image = api::base64_standard(*png);               // Descope's `image`
#pragma once

#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::api {

// A grey-scale PNG of `text` as a QR code (error correction M), `scale` pixels per
// module, the 4-module quiet zone included. kInvalidArgument when the text is too long
// for a QR code; kInternal when a library fails.
Result<std::string> qr_png(std::string_view text, int scale = 4);

// Base64 with the standard alphabet and padding (RFC 4648 §4), no line breaks.
std::string base64_standard(std::string_view bytes);

}  // namespace gatehouse::api
