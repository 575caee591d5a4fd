using System.Globalization;
using Siampain.Attendance;
using Siampain.Demo;
using Siampain.Imaging;
using Siampain.Pipeline;
using Spectre.Console;
using static System.FormattableString;

namespace Siampain.Cli;

/// <summary>What the demo prints: the cast, one line per decision, the attendance table against the ground truth, the numbers.</summary>
internal static class DemoReport
{
    public static void Cast(DemoScenario scenario, DemoClip clip)
    {
        var start = scenario.SessionStart;
        AnsiConsole.MarkupLine(Invariant(
            $"Class [bold]{scenario.Course.Id}[/] on {start:yyyy-MM-dd}: {start:HH:mm}-{scenario.SessionEnd:HH:mm} UTC, late after {scenario.Course.LateGraceMinutes} min, {scenario.Course.Roster.Count} on the roster. The clip starts at {clip.Frames[0].At:HH:mm:ss} (the session is already open)."));
        var table = new Table().AddColumns("walk-up", "time", "who", "role", "seen as");
        foreach (var passage in scenario.Passages)
        {
            var look = passage.Look;
            var seenAs = string.Join(", ", new[]
            {
                look.Mirrored ? "mirrored" : null,
                Invariant($"tilt {look.RollDegrees:+0;-0}°"),
                Invariant($"turn {look.Turn * 100:+0;-0}%"),
                Invariant($"light x{look.Light:0.00}"),
                look.Blur >= 0.05f ? Invariant($"blur {look.Blur:0.0} px") : null,
                look.Mask is { } mask ? $"[bold]{mask.Shape} mask[/] ({mask.Texture.ToString().ToLowerInvariant()})" : null,
            }.Where(s => s is not null));
            table.AddRow((passage.Index + 1).ToString(CultureInfo.InvariantCulture), Invariant($"{passage.At:HH:mm:ss}"), Markup.Escape(passage.Person.Name), passage.Role.ToString(), seenAs);
        }

        AnsiConsole.Write(table);
        var absent = scenario.Enrolled.Where(p => scenario.Roles[p.Id] == DemoRole.Absent).Select(p => p.Name);
        AnsiConsole.MarkupLine($"Never comes: {Markup.Escape(string.Join(", ", absent))}. Strangers (not enrolled): {Markup.Escape(string.Join(", ", scenario.Strangers.Select(p => p.Name)))}.");
    }

    public static void Sighting(DemoSighting sighting)
    {
        var decision = sighting.Decision;
        var who = sighting.Passage is { } p ? $"{p.Person.Name}{(p.Look.Mask is null ? string.Empty : " (masked)")}" : "?";
        var said = decision.Kind switch
        {
            DecisionKind.Recognised => $"recognised as {decision.PersonId}",
            DecisionKind.Unknown => "unknown",
            _ => "uncertain",
        };
        var records = sighting.Records.Count == 0 ? "no change" : string.Join(", ", sighting.Records.Select(r => r.Status.ToWire()));
        AnsiConsole.MarkupLine(Markup.Escape(Invariant(
            $"  {decision.DecidedAt:HH:mm:ss} {who}: {said} (cosine {decision.Confidence:0.000}, {decision.Votes} votes, {sighting.SignalLatency.TotalMilliseconds:0} ms after the face appeared) -> {records}")));
    }

    public static void Table(DemoScenario scenario, DemoTable table)
    {
        var grid = new Table().AddColumns("person", "role in the clip", "expected", "terminal recorded", "records", "");
        grid.Title = new TableTitle($"Attendance of {Markup.Escape(scenario.SessionId)}");
        foreach (var row in table.Rows)
        {
            grid.AddRow(
                Markup.Escape(row.Name),
                row.Role.ToString(),
                row.ExpectedStatus,
                row.Matches ? $"[green]{row.ActualStatus}[/]" : $"[red]{row.ActualStatus}[/]",
                string.Join(" → ", row.Actual.Select(s => s.ToWire())),
                row.Matches ? "[green]ok[/]" : "[red]WRONG[/]");
        }

        var unknownOk = table.ExpectedUnknown == table.ActualUnknown;
        grid.AddRow("(strangers)", DemoRole.Stranger.ToString(), $"{table.ExpectedUnknown} unknown",
            unknownOk ? $"[green]{table.ActualUnknown} unknown[/]" : $"[red]{table.ActualUnknown} unknown[/]", "", unknownOk ? "[green]ok[/]" : "[red]WRONG[/]");
        foreach (var line in table.Unexpected)
        {
            grid.AddRow("[red]unexpected[/]", "", "", Markup.Escape(line), "", "[red]WRONG[/]");
        }

        AnsiConsole.Write(grid);
    }

    public static void Summary(DemoPlayback playback, long delivered, int? brokerEvents, int? brokerSessions, long pending)
    {
        var latencies = playback.Sightings.Select(s => s.SignalLatency.TotalMilliseconds).Order().ToList();
        var frames = playback.FrameMilliseconds.Order().ToList();
        AnsiConsole.MarkupLine(Invariant(
            $"Frames: {playback.FramesProcessed} of {playback.FramesPlayed} processed in {playback.Wall.TotalSeconds:0.0} s; pipeline per frame median {Percentile(frames, 0.5):0.0} ms, p95 {Percentile(frames, 0.95):0.0} ms."));
        if (latencies.Count > 0)
        {
            AnsiConsole.MarkupLine(Invariant(
                $"Face appearing -> door signal: median {Percentile(latencies, 0.5):0} ms, p95 {Percentile(latencies, 0.95):0} ms, max {latencies[^1]:0} ms (target 300 ms from a usable face; these include the far frames the quality gate rejects)."));
        }

        AnsiConsole.MarkupLine(brokerEvents is { } events
            ? Invariant($"MQTT: the embedded broker received {events} attendance events and {brokerSessions} session summary (publisher delivered {delivered}, {pending} left in the outbox).")
            : Invariant($"MQTT: the publisher delivered {delivered} messages to the broker ({pending} left in the outbox)."));
    }

    /// <summary>The last frame of every walk-up, for looking at what the camera "saw".</summary>
    public static void SaveFrames(DemoClip clip, string folder)
    {
        Directory.CreateDirectory(folder);
        var renderer = new DemoRenderer(clip.Options);
        foreach (var frame in clip.Frames.Where(f => f.Passage is not null && f.Progress >= 1))
        {
            var passage = frame.Passage!;
            ImageFile.SavePng(renderer.Render(frame), Path.Combine(folder, Invariant($"{passage.Index + 1:00}-{passage.Person.Id}.png")));
        }

        AnsiConsole.MarkupLine($"Saved the walk-ups' last frames into {Markup.Escape(folder)}.");
    }

    /// <summary>The nearest-rank percentile of an ascending list (0 for an empty one).</summary>
    internal static double Percentile(List<double> sorted, double share) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(share * sorted.Count) - 1)];
}
