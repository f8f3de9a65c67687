// Text shown inside markup: a notification body (the server's body-markup), waybar's Pango
// text and the report's HTML page all read `<`, `&` and quotes as markup, and item names
// and notes are user text.
#pragma once

#include <string>
#include <string_view>

namespace regimend {

// & < > " ' as &amp; &lt; &gt; &quot; &#39; (a numeric reference: HTML, XML and Pango
// all read it).
std::string escape_markup(std::string_view text);

}  // namespace regimend
