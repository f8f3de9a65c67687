// The pure CalDAV core (core/caldav.hpp) with literal instants: a due dose as a VTODO and
// back, a task changed on the phone read under the late-confirmation rules, multistatus
// replies (sync-collection) including hostile ones.
#include <catch2/catch.hpp>

#include <string>

#include "core/caldav.hpp"
#include "core/parse.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace regimend::caldav;
using namespace std::chrono_literals;

namespace {

// 2026-12-01 07:00:00 UTC
constexpr Instant kPlanned{Seconds{1796108400}};

RegimenPtr regimen() {
    auto result = parse_regimen(
        "version: 1\nreminders: {missed_after: 3h}\nitems:\n"
        "  - id: glycinate-pm\n    name: Magnesium glycinate\n    dose: 2 capsules\n"
        "    notes: with water\n    amount: 200 mg\n    at: \"07:00\"\n",
        "test.yaml", &TimeZone::utc(), regimend::find_zone);
    REQUIRE(result.regimen);
    return std::make_shared<const Regimen>(std::move(*result.regimen));
}

RemoteTask completed_at(Instant at) {
    return RemoteTask{task_uid(DoseKey{"glycinate-pm", kPlanned}), TaskStatus::Completed, at};
}

}  // namespace

TEST_CASE("a task's UID names its dose", "[caldav]") {
    const DoseKey dose{"glycinate-pm", kPlanned};
    CHECK(task_uid(dose) == "glycinate-pm.1796108400@regimend");
    CHECK(task_resource(dose) == "glycinate-pm.1796108400@regimend.ics");
    CHECK(dose_of_uid(task_uid(dose)) == dose);
    CHECK(dose_of_uid("a.b.c.0@regimend") == DoseKey{"a.b.c", Instant{}});
    CHECK_FALSE(dose_of_uid("glycinate-pm.1796108400@example.org"));
    CHECK_FALSE(dose_of_uid("6f0b1c2e-0d47-4c1e-8a47@regimend"));
    CHECK_FALSE(dose_of_uid(".1796108400@regimend"));
    CHECK_FALSE(dose_of_uid("x.@regimend"));
    CHECK_FALSE(dose_of_uid("x.-5@regimend"));
    CHECK_FALSE(dose_of_uid("x.99999999999999999999999@regimend"));
}

TEST_CASE("a due dose is a VTODO, and reads back", "[caldav]") {
    const RegimenPtr plan = regimen();
    const Item& item = *plan->find("glycinate-pm");
    DoseView due{DoseKey{"glycinate-pm", kPlanned}, DoseState::Due, std::nullopt, std::nullopt};
    const Task task = task_for(item, due);
    CHECK(task.summary == "Magnesium glycinate 200 mg");
    CHECK(task.description == "2 capsules\nwith water");
    const std::string text = vtodo_text(task, kPlanned + 5s);
    INFO(text);
    CHECK(text.find("BEGIN:VTODO") != std::string::npos);
    CHECK(text.find("UID:glycinate-pm.1796108400@regimend") != std::string::npos);
    CHECK(text.find("SUMMARY:Magnesium glycinate 200 mg") != std::string::npos);
    CHECK(text.find("DUE:20261201T070000Z") != std::string::npos);
    CHECK(text.find("DTSTAMP:20261201T070005Z") != std::string::npos);
    CHECK(text.find("STATUS:NEEDS-ACTION") != std::string::npos);
    CHECK(text.find("BEGIN:VALARM") != std::string::npos);
    CHECK(text.find("TRIGGER;VALUE=DATE-TIME:20261201T070000Z") != std::string::npos);
    CHECK(text.find("COMPLETED") == std::string::npos);

    auto read = read_vtodo(text);
    REQUIRE(std::holds_alternative<RemoteTask>(read));
    CHECK(std::get<RemoteTask>(read).uid == task_uid(due.dose));
    CHECK(std::get<RemoteTask>(read).status == TaskStatus::NeedsAction);

    SECTION("taken: COMPLETED at its time") {
        DoseView taken = due;
        taken.state = DoseState::Taken;
        taken.acted_at = kPlanned + 600s;
        const std::string done = vtodo_text(task_for(item, taken), kPlanned + 600s);
        CHECK(done.find("STATUS:COMPLETED") != std::string::npos);
        CHECK(done.find("COMPLETED:20261201T071000Z") != std::string::npos);
        auto back = read_vtodo(done);
        REQUIRE(std::holds_alternative<RemoteTask>(back));
        CHECK(std::get<RemoteTask>(back).completed == kPlanned + 600s);
    }
    SECTION("skipped and missed: CANCELLED") {
        for (DoseState state : {DoseState::Skipped, DoseState::Missed}) {
            DoseView closed = due;
            closed.state = state;
            CHECK(vtodo_text(task_for(item, closed), kPlanned).find("STATUS:CANCELLED") !=
                  std::string::npos);
        }
    }
}

TEST_CASE("reading a task that is not ours or not iCalendar", "[caldav]") {
    CHECK(std::holds_alternative<std::string>(read_vtodo("")));
    CHECK(std::holds_alternative<std::string>(read_vtodo("hello")));
    CHECK(std::holds_alternative<std::string>(
        read_vtodo("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")));
    CHECK(std::holds_alternative<std::string>(read_vtodo(
        "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")));
    auto broken = read_vtodo(
        "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:a.1@regimend\r\nSTATUS:COMPLETED\r\n"
        "COMPLETED:garbage\r\nEND:VTODO\r\nEND:VCALENDAR\r\n");
    REQUIRE(std::holds_alternative<RemoteTask>(broken));
    CHECK_FALSE(std::get<RemoteTask>(broken).completed);
}

TEST_CASE("a task completed on the phone under the late-confirmation rules", "[caldav]") {
    const RegimenPtr plan = regimen();
    const Instant now = kPlanned + 3600s;
    SECTION("COMPLETED while due: taken at that time") {
        auto outcome = outcome_of(completed_at(kPlanned + 1200s), *plan, DoseState::Due, now);
        REQUIRE(std::holds_alternative<PhoneAnswer>(outcome));
        CHECK(std::get<PhoneAnswer>(outcome).kind == PhoneAnswer::Kind::Taken);
        CHECK(std::get<PhoneAnswer>(outcome).at == kPlanned + 1200s);
        CHECK(std::get<PhoneAnswer>(outcome).dose == DoseKey{"glycinate-pm", kPlanned});
    }
    SECTION("a missed dose taken late, within missed_after") {
        auto outcome =
            outcome_of(completed_at(kPlanned + 2h), *plan, DoseState::Missed, kPlanned + 5h);
        CHECK(std::holds_alternative<PhoneAnswer>(outcome));
    }
    SECTION("COMPLETED in the future is refused") {
        auto outcome = outcome_of(completed_at(now + 10min), *plan, DoseState::Due, now);
        REQUIRE(std::holds_alternative<Refused>(outcome));
        CHECK(std::get<Refused>(outcome).reason.find("in the future") != std::string::npos);
        CHECK(std::holds_alternative<PhoneAnswer>(
            outcome_of(completed_at(now + 30s), *plan, DoseState::Due, now)));
    }
    SECTION("COMPLETED outside missed_after is refused") {
        auto late =
            outcome_of(completed_at(kPlanned + 3h + 1s), *plan, DoseState::Missed, kPlanned + 4h);
        REQUIRE(std::holds_alternative<Refused>(late));
        CHECK(std::get<Refused>(late).reason.find("missed_after (3h)") != std::string::npos);
        CHECK(std::holds_alternative<Refused>(
            outcome_of(completed_at(kPlanned - 3h - 1s), *plan, DoseState::Due, now)));
    }
    SECTION("CANCELLED while open: skipped") {
        RemoteTask cancelled = completed_at(kPlanned);
        cancelled.status = TaskStatus::Cancelled;
        cancelled.completed.reset();
        auto outcome = outcome_of(cancelled, *plan, DoseState::Snoozed, now);
        REQUIRE(std::holds_alternative<PhoneAnswer>(outcome));
        CHECK(std::get<PhoneAnswer>(outcome).kind == PhoneAnswer::Kind::Skipped);
        CHECK(
            std::holds_alternative<NoChange>(outcome_of(cancelled, *plan, DoseState::Missed, now)));
    }
    SECTION("the local answer stands; foreign and unknown tasks change nothing") {
        CHECK(std::holds_alternative<NoChange>(
            outcome_of(completed_at(kPlanned + 60s), *plan, DoseState::Taken, now)));
        CHECK(std::holds_alternative<NoChange>(
            outcome_of(completed_at(kPlanned + 60s), *plan, DoseState::Skipped, now)));
        CHECK(std::holds_alternative<NoChange>(
            outcome_of(completed_at(kPlanned + 60s), *plan, std::nullopt, now)));
        RemoteTask foreign{"6f0b1c2e@example.org", TaskStatus::Completed, kPlanned};
        CHECK(std::holds_alternative<NoChange>(outcome_of(foreign, *plan, DoseState::Due, now)));
        RemoteTask removed{task_uid(DoseKey{"gone", kPlanned}), TaskStatus::Completed, kPlanned};
        CHECK(std::holds_alternative<NoChange>(outcome_of(removed, *plan, DoseState::Due, now)));
        RemoteTask open = completed_at(kPlanned);
        open.status = TaskStatus::NeedsAction;
        open.completed.reset();
        CHECK(std::holds_alternative<NoChange>(outcome_of(open, *plan, DoseState::Due, now)));
    }
}

TEST_CASE("multistatus replies", "[caldav]") {
    SECTION("a sync-collection reply with a changed and a removed member") {
        const std::string body = R"(<?xml version="1.0" encoding="utf-8"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <response>
    <href>/alice/regimen/a.1@regimend.ics</href>
    <propstat>
      <prop><getetag>"e1"</getetag><C:calendar-data>BEGIN:VCALENDAR&#13;
END:VCALENDAR&#13;
</C:calendar-data></prop>
      <status>HTTP/1.1 200 OK</status>
    </propstat>
  </response>
  <response>
    <href>/alice/regimen/gone.ics</href>
    <status>HTTP/1.1 404 Not Found</status>
  </response>
  <sync-token>http://radicale.org/ns/sync/abc</sync-token>
</multistatus>)";
        auto parsed = parse_multistatus(body);
        REQUIRE(std::holds_alternative<Multistatus>(parsed));
        const Multistatus& reply = std::get<Multistatus>(parsed);
        CHECK(reply.sync_token == "http://radicale.org/ns/sync/abc");
        REQUIRE(reply.responses.size() == 2);
        CHECK(reply.responses[0].href == "/alice/regimen/a.1@regimend.ics");
        CHECK(reply.responses[0].status == 200);
        CHECK(reply.responses[0].etag == "\"e1\"");
        CHECK(reply.responses[0].calendar_data == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        CHECK(reply.responses[1].status == 404);
    }
    SECTION("prefixed names") {
        auto parsed = parse_multistatus(
            "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/x</d:href>"
            "<d:propstat><d:prop><d:getetag>\"2\"</d:getetag></d:prop>"
            "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            "<d:sync-token>t2</d:sync-token></d:multistatus>");
        REQUIRE(std::holds_alternative<Multistatus>(parsed));
        CHECK(std::get<Multistatus>(parsed).responses.at(0).etag == "\"2\"");
        CHECK(std::get<Multistatus>(parsed).sync_token == "t2");
    }
    SECTION("hostile and broken replies are refused") {
        const std::string laughs =
            "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\">"
            "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;\">]>"
            "<multistatus xmlns=\"DAV:\"><sync-token>&c;</sync-token></multistatus>";
        auto refused = parse_multistatus(laughs);
        REQUIRE(std::holds_alternative<std::string>(refused));
        CHECK(std::get<std::string>(refused).find("DTD") != std::string::npos);
        const std::string external =
            "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            "<multistatus xmlns=\"DAV:\"><sync-token>&x;</sync-token></multistatus>";
        CHECK(std::holds_alternative<std::string>(parse_multistatus(external)));
        std::string huge = "<multistatus xmlns=\"DAV:\">";
        huge.resize(kMaxReplyBytes + 1, ' ');
        auto too_large = parse_multistatus(huge);
        REQUIRE(std::holds_alternative<std::string>(too_large));
        CHECK(std::get<std::string>(too_large).find("4 MiB") != std::string::npos);
        CHECK(std::holds_alternative<std::string>(parse_multistatus("")));
        CHECK(std::holds_alternative<std::string>(parse_multistatus("<multistatus>")));
        CHECK(std::holds_alternative<std::string>(parse_multistatus("<html>500</html>")));
    }
    SECTION("the request body escapes its token") {
        CHECK(sync_collection_body("a<b&c").find("<D:sync-token>a&lt;b&amp;c</D:sync-token>") !=
              std::string::npos);
        CHECK(sync_collection_body("").find("<D:sync-token></D:sync-token>") != std::string::npos);
    }
}
