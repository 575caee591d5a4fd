using Siampain.Attendance;

namespace Siampain.Tests.Attendance;

public sealed class SessionTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Names = new() { ["s1"] = "Ann", ["s2"] = "Bo", ["s3"] = "Cy" };

    [Fact]
    public void A_first_sighting_before_the_grace_ends_is_present_and_after_it_late()
    {
        var tracker = NewTracker();

        Assert.Equal(AttendanceStatus.Present, tracker.Observe(Seen("s1", -5))!.Value.Status);
        Assert.Equal(AttendanceStatus.Present, tracker.Observe(Seen("s2", 10))!.Value.Status);
        Assert.Equal(AttendanceStatus.Late, tracker.Observe(Seen("s3", 10, seconds: 1))!.Value.Status);
    }

    [Fact]
    public void Standing_at_the_door_is_one_passage_not_an_exit()
    {
        var tracker = NewTracker();
        var decisions = Enumerable.Range(0, 30).Select(i => tracker.Observe(Seen("s1", -5, seconds: i * 20))).ToList();

        Assert.Equal(AttendanceStatus.Present, decisions[0]!.Value.Status);
        Assert.All(decisions.Skip(1), d => Assert.Null(d));
    }

    [Fact]
    public void A_later_sighting_is_an_exit_and_the_next_one_a_return()
    {
        var tracker = NewTracker();
        tracker.Observe(Seen("s1", -5));

        Assert.Equal(AttendanceStatus.Exit, tracker.Observe(Seen("s1", 30))!.Value.Status);
        Assert.Equal(AttendanceStatus.Returned, tracker.Observe(Seen("s1", 45))!.Value.Status);
        var end = tracker.Close(Names);

        Assert.DoesNotContain(end, d => d.PersonId == "s1");
        var counts = tracker.Summarize();
        Assert.Equal((1, 1, 0), (counts.Present, counts.Returned, counts.LeftEarly));
    }

    [Fact]
    public void An_exit_without_a_return_before_the_end_is_left_early()
    {
        var tracker = NewTracker();
        tracker.Observe(Seen("s1", 20));
        tracker.Observe(Seen("s1", 60));

        var leftEarly = Assert.Single(tracker.Close(Names), d => d.PersonId == "s1");

        Assert.Equal(AttendanceStatus.LeftEarly, leftEarly.Status);
        Assert.Equal(Start.AddMinutes(90), leftEarly.Time);
        Assert.Equal("Ann", leftEarly.PersonName);
        var counts = tracker.Summarize();
        Assert.Equal((1, 1, 1), (counts.Present, counts.Late, counts.LeftEarly));
    }

    [Fact]
    public void Everyone_on_the_roster_not_seen_is_absent_at_the_end()
    {
        var tracker = NewTracker();
        tracker.Observe(Seen("s2", 0));

        var end = tracker.Close(Names);

        Assert.Equal(["s1", "s3"], end.Where(d => d.Status == AttendanceStatus.Absent).Select(d => d.PersonId!));
        Assert.All(end, d => Assert.Null(d.Confidence));
        var counts = tracker.Summarize();
        Assert.Equal((1, 2), (counts.Present, counts.Absent));
    }

    [Fact]
    public void Someone_not_on_the_roster_is_recorded_once()
    {
        var tracker = NewTracker();

        Assert.Equal(AttendanceStatus.NotOnRoster, tracker.Observe(Seen("x9", 0))!.Value.Status);
        Assert.Null(tracker.Observe(Seen("x9", 30)));
        Assert.Null(tracker.Observe(Seen("x9", 60)));
        Assert.DoesNotContain(tracker.Close(Names), d => d.PersonId == "x9");
        Assert.Equal(1, tracker.Summarize().NotOnRoster);
    }

    [Fact]
    public void A_stranger_standing_at_the_door_gives_one_unknown_record()
    {
        var tracker = NewTracker();
        var decisions = new[] { 0, 30, 60, 80, 130 }.Select(s => tracker.Observe(Sighting.Unknown(Start.AddSeconds(s), 0.3))).ToList();

        Assert.Equal(AttendanceStatus.Unknown, decisions[0]!.Value.Status);
        Assert.All(decisions.Skip(1), d => Assert.Null(d));

        // After a quiet minute a stranger counts again.
        Assert.Equal(AttendanceStatus.Unknown, tracker.Observe(Sighting.Unknown(Start.AddSeconds(200), 0.3))!.Value.Status);
        Assert.Equal(2, tracker.Summarize().Unknown);
    }

    [Fact]
    public void A_tracker_rebuilt_from_the_stored_records_continues_the_same_way()
    {
        var first = NewTracker();
        var records = new[]
            {
                first.Observe(Seen("s1", -5)), first.Observe(Seen("s1", 30)), first.Observe(Seen("s2", 15)),
                first.Observe(Sighting.Unknown(Start.AddMinutes(31), 0.2)),
            }
            .Select(d => d!.Value)
            .Select(d => new AttendanceRecord { PersonId = d.PersonId, Status = d.Status, Time = d.Time })
            .ToList();

        var rebuilt = NewTracker();
        foreach (var record in records)
        {
            rebuilt.Apply(record);
        }

        Assert.Equal(first.Statuses, rebuilt.Statuses);
        Assert.Null(rebuilt.Observe(Sighting.Unknown(Start.AddMinutes(31.5), 0.2)));
        Assert.Equal(AttendanceStatus.Returned, rebuilt.Observe(Seen("s1", 50))!.Value.Status);
        Assert.Null(rebuilt.Observe(Seen("s2", 15.5)));
        Assert.Equal(first.Summarize() with { Returned = 1 }, rebuilt.Summarize());
    }

    private static SessionTracker NewTracker()
    {
        var course = new Course { Id = "cs101", Name = "Intro", Roster = ["s1", "s2", "s3"], LateGraceMinutes = 10 };
        var session = new Session { Id = "cs101/2026-11-23/0900", CourseId = "cs101", Start = Start, End = Start.AddMinutes(90) };
        return new SessionTracker(session, course, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
    }

    private static Sighting Seen(string id, double minutes, int seconds = 0) =>
        new(Start.AddMinutes(minutes).AddSeconds(seconds), id, Names.GetValueOrDefault(id, id), 0.9);
}
