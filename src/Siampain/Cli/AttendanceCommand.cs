using System.CommandLine;
using System.Globalization;
using Siampain.Attendance;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>`siampain attendance`: one table per session of a day, each person's final status and what happened.</summary>
internal static class AttendanceCommand
{
    public static Command Create()
    {
        var course = new Option<string?>("--course") { Description = "Only this course id" };
        var date = new Option<string?>("--date") { Description = "The day, yyyy-MM-dd (default: today, local time)" };
        var command = new Command("attendance", "Show the attendance of a day's sessions") { course, date, PeopleCommandSupport.Database };
        command.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            var day = ParseDate(result.GetValue(date));
            using var db = PeopleCommandSupport.Open(result);
            PeopleCommandSupport.ReportRecovery(db);
            var store = new AttendanceStore(db);
            var sessions = store.ListSessions(result.GetValue(course), day);
            if (sessions.Count == 0)
            {
                AnsiConsole.MarkupLine($"No sessions on {day:yyyy-MM-dd}{(result.GetValue(course) is { } c ? $" for course {Markup.Escape(c)}" : "")}.");
                return 0;
            }

            foreach (var session in sessions)
            {
                AnsiConsole.Write(SessionTable(session, store));
            }

            return 0;
        }));
        return command;
    }

    private static DateOnly ParseDate(string? text) =>
        text is null ? DateOnly.FromDateTime(DateTime.Now)
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw new ArgumentException($"--date '{text}' is not a date; use yyyy-MM-dd, e.g. 2026-11-24.");

    private static Table SessionTable(Session session, AttendanceStore store)
    {
        var records = store.RecordsOf(session.Id);
        var roster = store.FindCourse(session.CourseId)?.Roster ?? [];
        var table = new Table().AddColumns("Person", "Name", "Status", "Timeline");
        table.Title = new TableTitle(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{session.Id}  {session.Start.ToLocalTime():HH:mm}-{session.End.ToLocalTime():HH:mm}  {session.State.ToString().ToLowerInvariant()}{(session.Observed ? "" : " (not watched from the start)")}")));

        // Roster order first, then anyone else who was recorded; unknown faces last, one row each.
        var people = roster.Concat(records.Where(r => r.PersonId is not null).Select(r => r.PersonId!)).Distinct(StringComparer.Ordinal);
        foreach (var person in people)
        {
            var mine = records.Where(r => r.PersonId == person).ToList();
            table.AddRow(Markup.Escape(person), Markup.Escape(mine.LastOrDefault()?.PersonName ?? ""), FinalStatus(mine, roster.Contains(person)), Timeline(mine));
        }

        foreach (var unknown in records.Where(r => r.PersonId is null))
        {
            table.AddRow("-", "", AttendanceStatus.Unknown.ToWire(), Timeline([unknown]));
        }

        return table;
    }

    /// <summary>The status that sums a person up: left early or absent if so, else how they arrived.</summary>
    private static string FinalStatus(List<AttendanceRecord> records, bool onRoster)
    {
        if (records.Count == 0)
        {
            return onRoster ? "[grey](not yet seen)[/]" : "";
        }

        var last = records[^1].Status;
        var status = last is AttendanceStatus.LeftEarly or AttendanceStatus.Absent ? last : records[0].Status;
        var colour = status switch
        {
            AttendanceStatus.Present => "green",
            AttendanceStatus.Late => "yellow",
            AttendanceStatus.Absent or AttendanceStatus.LeftEarly => "red",
            _ => "grey",
        };
        return $"[{colour}]{status.ToWire()}[/]";
    }

    private static string Timeline(IEnumerable<AttendanceRecord> records) =>
        Markup.Escape(string.Join(", ", records.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Time.ToLocalTime():HH:mm} {r.Status.ToWire()}"))));
}
