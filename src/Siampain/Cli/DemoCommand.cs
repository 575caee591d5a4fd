using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Siampain.Demo;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Packages;
using Siampain.Pipeline;
using Siampain.Recognition;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>
/// `siampain demo`: a class at the door, end to end. Enrols people from real photos, plays a walk-up clip of them
/// (seen differently from enrolment, some masked) and of strangers through the real pipeline at camera speed, records
/// attendance in a LiteDB file with its outbox, relays the events to an MQTT broker (an embedded one unless
/// --mqtt-host is given), shows the door signals, and compares the attendance table with the clip's ground truth.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<DirectoryInfo?> Data = new("--data")
    {
        Description = "A folder with one sub-folder of photos per person (first photo enrolled, the others seen at the door) instead of the registry photos",
    };

    private static readonly Option<string?> MqttHost = new("--mqtt-host")
    {
        Description = "Publish to this broker instead of the embedded one",
    };

    private static readonly Option<int> MqttPort = new("--mqtt-port")
    {
        Description = "Port of --mqtt-host",
        DefaultValueFactory = _ => MqttOptions.DefaultPort,
    };

    private static readonly Option<bool> Fast = new("--fast")
    {
        Description = "Process every frame as fast as possible instead of at camera speed (no frames dropped)",
    };

    private static readonly Option<int> Strangers = new("--strangers")
    {
        Description = "People walking up who are not enrolled",
        DefaultValueFactory = _ => DemoScenarioOptions.DefaultStrangers,
    };

    private static readonly Option<int?> Enrolled = new("--enrolled")
    {
        Description = "People enrolled (6 or more; default: everyone but the strangers)",
    };

    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "Varies poses, light and masks; the same seed plays the same clip",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<float?> MatchThreshold = new("--match-threshold")
    {
        Description = "Cosine a match must reach (default: the manifest's threshold for the gallery's size, as the terminal)",
    };

    private static readonly Option<DirectoryInfo?> SaveFrames = new("--save-frames")
    {
        Description = "Also write the last frame of every walk-up as PNG into this folder",
    };

    public static Command Create()
    {
        var command = new Command("demo", "A class at the door: enrol people from real photos, play a walk-up clip through the real pipeline, print the attendance table")
        {
            CommonOptions.Models, CommonOptions.Embedder, CommonOptions.Threads,
            Data, MqttHost, MqttPort, Fast, Strangers, Enrolled, Seed, MatchThreshold, SaveFrames,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        try
        {
            return await PlayAsync(result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException || CommandErrors.IsBadInput(e))
        {
            // A scenario the photos cannot cast (too few people for the roles asked) is bad input here too.
            return CommandErrors.Report(e.Message, CommandErrors.BadInput);
        }
    }

    private static async Task<int> PlayAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var manifest = CommonOptions.LoadManifest(result);
        using var analyzer = new FaceAnalyzer(manifest, result.GetValue(CommonOptions.Embedder), result.GetValue(CommonOptions.Threads));
        var people = LoadPeople(result.GetValue(Data), analyzer);
        var clipOptions = new DemoClipOptions();
        var scenario = DemoScenario.Build(people, new DemoScenarioOptions
        {
            Enrolled = result.GetValue(Enrolled),
            Strangers = result.GetValue(Strangers),
            Seed = result.GetValue(Seed),
            Date = DateOnly.FromDateTime(DateTime.UtcNow),
        }, DemoVisibility.Detector(analyzer.Detector, clipOptions));
        var clip = new DemoClip(scenario, clipOptions);
        DemoReport.Cast(scenario, clip);

        var folder = Directory.CreateTempSubdirectory("siampain-demo-");
        try
        {
            var mqtt = new MqttOptions { DeviceId = "demo", Host = result.GetValue(MqttHost) ?? "127.0.0.1", Port = result.GetValue(MqttPort) };
            var topics = new MqttTopics(mqtt);
            var clock = new SimulatedClock(clip.Frames[0].At);
            using var terminal = new DemoTerminal(Path.Combine(folder.FullName, "siampain.db"), clock, topics);
            terminal.Prepare(scenario, analyzer);
            AnsiConsole.MarkupLine($"Enrolled {scenario.Enrolled.Count} people ({terminal.People.ListTemplates().Count} templates, masked ones painted by the project's own mask) into {Markup.Escape(terminal.Database.Path)}.");

            await using var broker = result.GetValue(MqttHost) is null ? await DemoBroker.StartAsync(topics.Events, topics.Sessions).ConfigureAwait(false) : null;
            if (broker is not null)
            {
                mqtt.Port = broker.Port;
            }

            AnsiConsole.MarkupLine(broker is null
                ? $"Publishing to the broker at {Markup.Escape(mqtt.Host)}:{mqtt.Port}."
                : $"No broker configured: an embedded MQTT broker listens on 127.0.0.1:{broker.Port}.");
            using var publisher = new MqttPublisher(terminal.Outbox, Options.Create(mqtt), new StatusBoard(), TimeProvider.System, NullLogger<MqttPublisher>.Instance);
            await publisher.StartAsync(cancellationToken).ConfigureAwait(false);

            var recognition = result.GetValue(MatchThreshold) is { } threshold ? new RecognitionOptions { MatchThreshold = threshold } : null;
            var player = terminal.CreatePlayer(clip, analyzer, new ConsoleDoorSignal(), recognition);
            player.Decided += DemoReport.Sighting;
            var paced = !result.GetValue(Fast);
            AnsiConsole.MarkupLine(paced
                ? $"Playing {clip.Frames.Count} frames at {clipOptions.FrameRate} fps (camera speed; the empty minutes between people are skipped) ..."
                : $"Playing {clip.Frames.Count} frames as fast as possible ...");
            var playback = await player.PlayAsync(paced, cancellationToken).ConfigureAwait(false);

            await DrainAsync(terminal.Outbox, cancellationToken).ConfigureAwait(false);
            await publisher.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (result.GetValue(SaveFrames) is { } frames)
            {
                DemoReport.SaveFrames(clip, frames.FullName);
            }

            var table = DemoTable.Compare(scenario, terminal.Attendance);
            DemoReport.Table(scenario, table);
            DemoReport.Summary(playback, publisher.Health.Delivered, broker?.Events, broker?.Sessions, terminal.Outbox.PendingCount);
            if (!table.Matches)
            {
                AnsiConsole.MarkupLine("[red]The attendance table does NOT match the ground truth of the clip.[/]");
                return 1;
            }

            AnsiConsole.MarkupLine("[green]The attendance table matches the ground truth of the clip exactly.[/]");
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IReadOnlyList<DemoPerson> LoadPeople(DirectoryInfo? data, FaceAnalyzer analyzer)
    {
        if (data is not null)
        {
            AnsiConsole.MarkupLine($"Reading people from {Markup.Escape(data.FullName)} (one sub-folder per person) ...");
            return DemoPeople.FromFolder(data.FullName, analyzer, skipped => AnsiConsole.MarkupLine($"[yellow]skipped:[/] {Markup.Escape(skipped)}"));
        }

        AnsiConsole.MarkupLine($"Fetching sample photos ({Markup.Escape(PinnedPackage.FaceApi.Spec)}) ...");
        var folder = Path.Combine(PackageCache.Default().Get(PinnedPackage.FaceApi), "demo");
        var files = Directory.GetFiles(folder, "sample*.jpg").Order(StringComparer.Ordinal);
        return DemoPeople.FromGroupPhotos(files, analyzer);
    }

    /// <summary>Gives the publisher a few seconds to hand the last events to the broker.</summary>
    private static async Task DrainAsync(Storage.LiteOutbox outbox, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100 && outbox.PendingCount > 0; i++)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }
}
