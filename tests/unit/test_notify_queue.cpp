// NotifyQueue: the notifier's bound on Notify calls in flight (issue: 119 of 400 reminders
// lost to a bus's pending-reply limit), with superseded requests never sent stale.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bus/notify_queue.hpp"

using regimend::NotifyQueue;

TEST_CASE("no more calls in flight than the limit, the rest sent in order", "[notify_queue]") {
    NotifyQueue<int, std::string> queue(16);
    std::vector<std::string> sent;
    for (int dose = 0; dose < 400; ++dose) {
        if (queue.try_start()) {
            sent.push_back("dose " + std::to_string(dose));
        } else {
            queue.wait(dose, "dose " + std::to_string(dose));
        }
        CHECK(queue.in_flight() <= 16);
    }
    CHECK(sent.size() == 16);
    CHECK(queue.waiting() == 384);
    // Each reply frees one slot, which the next waiting request takes.
    while (queue.in_flight() > 0) {
        if (auto next = queue.finish()) {
            sent.push_back(*next);
        }
        CHECK(queue.in_flight() <= 16);
    }
    REQUIRE(sent.size() == 400);
    for (int dose = 0; dose < 400; ++dose) {
        CHECK(sent[static_cast<std::size_t>(dose)] == "dose " + std::to_string(dose));
    }
    CHECK(queue.waiting() == 0);
}

TEST_CASE("a new request waits behind older waiting ones even when a slot is free",
          "[notify_queue]") {
    NotifyQueue<int, std::string> queue(1);
    REQUIRE(queue.try_start());
    queue.wait(1, "first");
    // The reply of the call in flight hands its slot to "first" ...
    REQUIRE(queue.finish() == std::optional<std::string>{"first"});
    // ... so a newcomer does not overtake, and once "first" is done nothing is left.
    CHECK_FALSE(queue.try_start());
    queue.wait(2, "second");
    CHECK(queue.finish() == std::optional<std::string>{"second"});
    CHECK_FALSE(queue.finish().has_value());
    CHECK(queue.in_flight() == 0);
    CHECK(queue.try_start());
}

TEST_CASE("a superseded request is never sent stale", "[notify_queue]") {
    NotifyQueue<std::string, std::string> queue(1);
    REQUIRE(queue.try_start());
    queue.wait("a", "a: due 08:00");
    queue.wait("b", "b: due 08:00");
    queue.wait("c", "c: due 08:00");

    SECTION("a repeat replaces the waiting reminder where it stands") {
        queue.wait("a", "a: due 08:00 [critical]");
        CHECK(queue.waiting() == 3);
        CHECK(queue.finish() == std::optional<std::string>{"a: due 08:00 [critical]"});
        CHECK(queue.finish() == std::optional<std::string>{"b: due 08:00"});
    }
    SECTION("an answered dose is dropped before it goes out") {
        CHECK(queue.drop("b"));
        CHECK_FALSE(queue.drop("b"));
        CHECK(queue.finish() == std::optional<std::string>{"a: due 08:00"});
        CHECK(queue.finish() == std::optional<std::string>{"c: due 08:00"});
        CHECK_FALSE(queue.finish().has_value());
    }
}
