// Making numbers, phone numbers, URLs and Latin words display correctly inside right-to-left text: each such
// left-to-right run is wrapped in LEFT-TO-RIGHT MARKs (U+200E) so that "800 290 290" is not shown reversed or
// split. Used by the dialogue when it renders replies in ar, fa, ps. Pure function; any thread.
#pragma once

#include <string>
#include <string_view>

namespace approdo::text {

std::string isolate_ltr_runs(std::string_view utf8);

}  // namespace approdo::text
