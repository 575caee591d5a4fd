using Siampain.Attendance;
using Siampain.Demo;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Siampain.Tests.Demo;

public sealed class DemoScenarioTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Lazy<IReadOnlyList<DemoPerson>> RegistryPeople = new(() =>
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        return DemoPeople.FromGroupPhotos(TestAssets.SamplePhotoPaths, analyzer);
    });

    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-demo-").FullName;

    [Fact]
    public void The_registry_photos_give_enough_distinct_people()
    {
        var people = RegistryPeople.Value;
        Assert.InRange(people.Count, 8, 24);
        Assert.Equal(people.Count, people.Select(p => p.Id).Distinct().Count());
        Assert.All(people, p => Assert.Single(p.DoorViews));
    }

    [Fact]
    public void The_scenario_has_every_role_and_its_times_make_them_true()
    {
        var scenario = DemoScenario.Build(RegistryPeople.Value, new DemoScenarioOptions());
        var roles = scenario.Roles.Values.ToHashSet();
        Assert.Equal(Enum.GetValues<DemoRole>().ToHashSet(), roles);

        var lateAfter = scenario.SessionStart.AddMinutes(scenario.Course.LateGraceMinutes);
        var opens = scenario.SessionStart.AddMinutes(-AttendanceOptions.DefaultOpenBeforeMinutes);
        Assert.True(scenario.ClipStart >= opens, "the session must be open when the clip starts");
        Assert.True(scenario.Passages[^1].At < scenario.SessionEnd);
        foreach (var group in scenario.Passages.GroupBy(p => p.Person.Id))
        {
            var first = group.First();
            if (first.Role != DemoRole.Stranger)
            {
                Assert.Equal(first.Role == DemoRole.Late, first.At > lateAfter);
            }

            Assert.Equal(first.Role switch { DemoRole.LeftEarly => 2, DemoRole.ExitAndReturn => 3, _ => 1 }, group.Count());
        }

        Assert.DoesNotContain(scenario.Passages, p => p.Role == DemoRole.Absent);
        Assert.DoesNotContain(scenario.Enrolled.Single(p => scenario.Roles[p.Id] == DemoRole.NotOnRoster).Id, scenario.Course.Roster);
        Assert.All(scenario.Passages.Zip(scenario.Passages.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= DemoScenario.MinStep));
        Assert.Contains(scenario.Passages, p => p.Look.Mask is not null);
    }

    [Fact]
    public void Too_few_people_is_refused_with_a_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => DemoScenario.Build([.. RegistryPeople.Value.Take(5)], new DemoScenarioOptions { Strangers = 1 }));
        Assert.Contains("6 or more enrolled people", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clip_renders_the_same_frames_every_time()
    {
        var scenario = DemoScenario.Build(RegistryPeople.Value, new DemoScenarioOptions());
        var clip = new DemoClip(scenario, new DemoClipOptions());
        var frame = clip.Frames.First(f => f.Passage is not null && f.Progress > 0.9f);
        var first = new DemoRenderer(clip.Options).Render(frame);
        var again = new DemoRenderer(clip.Options).Render(frame);
        Assert.Equal(first.Pixels, again.Pixels);
        Assert.Equal(640, first.Width);
        Assert.Equal(480, first.Height);
    }

    [Fact]
    public async Task A_short_class_played_through_the_real_pipeline_gives_exactly_the_ground_truth()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var clipOptions = new DemoClipOptions();
        var scenario = DemoScenario.Build(RegistryPeople.Value, new DemoScenarioOptions { Enrolled = 6, Strangers = 1 }, DemoVisibility.Detector(analyzer.Detector, clipOptions));
        var clip = new DemoClip(scenario, clipOptions);
        var clock = new SimulatedClock(clip.Frames[0].At);
        using var terminal = new DemoTerminal(Path.Combine(_folder, "demo.db"), clock, new MqttTopics(new MqttOptions()));
        terminal.Prepare(scenario, analyzer);
        var door = new StringWriter();
        var player = terminal.CreatePlayer(clip, analyzer, new ConsoleDoorSignal(door, useColour: false));

        var playback = await player.PlayAsync(paced: false, CancellationToken.None);
        var table = DemoTable.Compare(scenario, terminal.Attendance);

        output.WriteLine(door.ToString());
        foreach (var s in playback.Sightings)
        {
            output.WriteLine($"{s.Passage?.Person.Name ?? "-"}{(s.Passage?.Look.Mask is { } m ? $" (masked: {m.Shape} {m.Colour})" : string.Empty)} -> {s.Decision.Kind} {s.Decision.PersonId} {s.Decision.Confidence:F3} votes {s.Decision.Votes} latency {s.SignalLatency.TotalMilliseconds:F0} ms");
        }

        foreach (var row in table.Rows)
        {
            output.WriteLine($"{row.Name,-8} {row.Role,-14} expected {string.Join(",", row.Expected)}  actual {string.Join(",", row.Actual)}");
        }

        output.WriteLine($"unknown: expected {table.ExpectedUnknown}, actual {table.ActualUnknown}; unexpected: {string.Join("; ", table.Unexpected)}");
        Assert.Equal(clip.Frames.Count, playback.FramesProcessed);
        Assert.True(table.Matches);

        // Every record went into the outbox with its event, plus the session summary at the close.
        var records = terminal.Attendance.RecordsOf(scenario.SessionId).Count;
        Assert.Equal(records + 1, terminal.Outbox.PendingCount);
        Assert.Contains("[door] ● AMBER", door.ToString(), StringComparison.Ordinal);
        Assert.Contains("[door] ● BLUE", door.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
