#include <catch2/catch.hpp>

#include "core/csv.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace date::literals;
using namespace std::chrono_literals;

TEST_CASE("CSV fields are quoted as RFC 4180 says", "[csv]") {
    SECTION("plain text stays as it is") {
        CHECK(csv_field("300 mg") == "300 mg");
    }
    SECTION("a comma quotes the field") {
        CHECK(csv_field("a, b") == "\"a, b\"");
    }
    SECTION("quotes are doubled") {
        CHECK(csv_field("said \"ok\"") == "\"said \"\"ok\"\"\"");
    }
    SECTION("CR and LF stay inside the quotes") {
        CHECK(csv_field("one\r\ntwo") == "\"one\r\ntwo\"");
        CHECK(csv_field("one\ntwo") == "\"one\ntwo\"");
    }
    SECTION("empty stays empty") {
        CHECK(csv_field("") == "");
    }
}

TEST_CASE("the history as CSV has a header, CRLF rows and one column per field", "[csv]") {
    const auto* zone = regimend::locate_zone("Europe/Berlin");
    HistoryEvent taken;
    taken.item = "glycinate-pm";
    taken.kind = EventKind::Taken;
    taken.planned = Instant{date::sys_days{2026_y / 11 / 22}} + 20h;
    taken.at = *taken.planned + 10min;
    taken.amount = "300 mg";
    taken.note = "with tea, \"chamomile\"\nslept well";
    HistoryEvent migraine;
    migraine.item = "migraine";
    migraine.kind = EventKind::Symptom;
    migraine.at = Instant{date::sys_days{2026_y / 11 / 23}} + 6h;
    migraine.severity = 6;

    HistoryEvent refill;
    refill.item = "glycinate-pm";
    refill.kind = EventKind::Refill;
    refill.at = migraine.at;
    refill.quantity = 60;

    auto csv = history_csv({taken, migraine, refill}, *zone,
                           {{"glycinate-pm", "Magnesium glycinate"}, {"migraine", "not used"}});
    CHECK(csv ==
          "item,name,event,planned,at,amount,severity,note,quantity\r\n"
          "glycinate-pm,Magnesium glycinate,taken,2026-11-22T21:00:00+01:00,"
          "2026-11-22T21:10:00+01:00,300 mg,,"
          "\"with tea, \"\"chamomile\"\"\nslept well\",\r\n"
          "migraine,,symptom,,2026-11-23T07:00:00+01:00,,6,,\r\n"
          "glycinate-pm,Magnesium glycinate,refill,,2026-11-23T07:00:00+01:00,,,,60\r\n");

    SECTION("no events: the header alone") {
        CHECK(history_csv({}, *zone) ==
              "item,name,event,planned,at,amount,severity,note,quantity\r\n");
    }
}

TEST_CASE("text a spreadsheet would evaluate is written as text", "[csv]") {
    SECTION("OWASP's formula characters get a leading quote") {
        CHECK(csv_text_field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
        CHECK(csv_text_field("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
        CHECK(csv_text_field("+1+1") == "'+1+1");
        CHECK(csv_text_field("-2+3") == "'-2+3");
        CHECK(csv_text_field("@SUM(A1)") == "'@SUM(A1)");
        CHECK(csv_text_field("\t=1") == "'\t=1");
        CHECK(csv_text_field("\r=1") == "\"'\r=1\"");
    }
    SECTION("other text is as csv_field writes it") {
        CHECK(csv_text_field("with tea") == "with tea");
        CHECK(csv_text_field("a = b") == "a = b");
        CHECK(csv_text_field("") == "");
    }
    SECTION("in the history: notes, names, ids and amounts; numbers stay numbers") {
        const auto* zone = regimend::locate_zone("UTC");
        HistoryEvent taken;
        taken.item = "-x";
        taken.kind = EventKind::Taken;
        taken.planned = Instant{date::sys_days{2026_y / 11 / 22}} + 20h;
        taken.at = *taken.planned;
        taken.amount = "+300 mg";
        taken.note = "=1+1";
        HistoryEvent count;
        count.item = "-x";
        count.kind = EventKind::Stock;
        count.at = *taken.planned;
        count.quantity = -3;
        count.note = "@me";
        auto csv = history_csv({taken, count}, *zone, {{"-x", "=Name"}});
        CHECK(csv ==
              "item,name,event,planned,at,amount,severity,note,quantity\r\n"
              "'-x,'=Name,taken,2026-11-22T20:00:00+00:00,2026-11-22T20:00:00+00:00,'+300 "
              "mg,,'=1+1,\r\n"
              "'-x,'=Name,stock,,2026-11-22T20:00:00+00:00,,,'@me,-3\r\n");
    }
}
