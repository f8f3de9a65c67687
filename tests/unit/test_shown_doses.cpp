// The notifier's table of which notification shows which doses (bus/shown_doses.hpp):
// every change keeps dose → id and id → doses in step.
#include <catch2/catch.hpp>

#include <set>

#include "bus/shown_doses.hpp"

using namespace regimend;

namespace {

const Instant kMorning{Seconds{1795334400}};
const Instant kEvening{Seconds{1795377600}};

ReminderText text(const char* item, Instant planned) {
    ReminderText reminder;
    reminder.dose = DoseKey{item, planned};
    reminder.summary = item;
    return reminder;
}

// The invariant, checked from both sides.
void check_in_step(const ShownDoses& shown) {
    std::set<DoseKey> seen;
    for (const auto& [id, doses] : shown.ids()) {
        CHECK(id != 0);
        CHECK_FALSE(doses.empty());
        for (const auto& dose : doses) {
            CHECK(shown.id_of(dose) == id);
            CHECK(seen.insert(dose).second);  // on one notification only
        }
    }
}

}  // namespace

TEST_CASE("shown doses: both sides stay in step", "[shown_doses]") {
    ShownDoses shown;
    const auto am = text("threonate-am", kMorning);
    const auto gl = text("glycinate", kMorning);
    const auto pm = text("glycinate-pm", kEvening);

    shown.sending({am, gl});
    CHECK(shown.replied({am.dose, gl.dose}, 7).empty());
    CHECK(shown.doses_of(7) == std::vector<DoseKey>{am.dose, gl.dose});
    CHECK(shown.text_of(gl.dose)->summary == "glycinate");
    check_in_step(shown);

    SECTION("a group joins the notification of its planned instant") {
        CHECK(shown.id_for({text("zinc", kMorning)}) == 7);
        CHECK(shown.id_for({pm}) == 0);
    }

    SECTION("a dose answered leaves the rest of its group on screen") {
        const auto removed = shown.remove(am.dose);
        REQUIRE(removed);
        CHECK(removed->id == 7);
        CHECK_FALSE(removed->emptied);
        CHECK(shown.id_of(am.dose) == 0);
        CHECK(shown.text_of(am.dose) == nullptr);
        check_in_step(shown);

        const auto last = shown.remove(gl.dose);
        REQUIRE(last);
        CHECK(last->emptied);
        CHECK(shown.ids().empty());
    }

    SECTION("a notification that lists a dose another one showed takes it over") {
        shown.sending({pm});
        shown.replied({pm.dose}, 9);
        shown.sending({gl, pm});
        shown.replied({gl.dose, pm.dose}, 9);
        CHECK(shown.doses_of(7) == std::vector<DoseKey>{am.dose});
        CHECK(shown.doses_of(9) == std::vector<DoseKey>{gl.dose, pm.dose});
        check_in_step(shown);

        // Replaced with fewer doses: the one left out is on no notification.
        shown.replied({pm.dose}, 9);
        CHECK(shown.id_of(gl.dose) == 0);
        check_in_step(shown);
    }

    SECTION("a dose answered while its Notify is on its way is closed once shown") {
        shown.sending({pm});
        CHECK_FALSE(shown.remove(pm.dose));
        CHECK(shown.replied({pm.dose}, 11) == std::vector<DoseKey>{pm.dose});
        CHECK(shown.id_of(pm.dose) == 11);  // until the caller's close removes it
    }

    SECTION("nothing to close when the Notify showed nothing") {
        shown.sending({pm});
        CHECK_FALSE(shown.remove(pm.dose));
        CHECK(shown.replied({pm.dose}, 0).empty());
        CHECK(shown.id_of(pm.dose) == 0);
        shown.sending({pm});
        CHECK(shown.replied({pm.dose}, 12).empty());  // a later reminder is not closed
    }

    SECTION("closed by the server, or kept only while open") {
        CHECK(shown.closed(7) == 2);
        CHECK(shown.closed(7) == 0);
        CHECK(shown.ids().empty());
        CHECK(shown.text_of(am.dose) == nullptr);

        shown.adopt({{3, {am.dose, pm.dose}}, {4, {gl.dose}}});
        check_in_step(shown);
        CHECK(shown.keep_only({pm.dose}) == std::vector<std::uint32_t>{4});
        CHECK(shown.doses_of(3) == std::vector<DoseKey>{pm.dose});
        check_in_step(shown);
    }

    SECTION("saved ids that list a dose twice are taken in step") {
        shown.clear();
        shown.adopt({{3, {am.dose}}, {4, {am.dose, gl.dose}}, {5, {}}});
        CHECK(shown.id_of(am.dose) == 4);
        CHECK(shown.doses_of(3).empty());
        check_in_step(shown);
    }
}
