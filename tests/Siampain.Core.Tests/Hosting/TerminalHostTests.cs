using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siampain.Attendance;
using Siampain.Camera;
using Siampain.Detection;
using Siampain.Gpio;
using Siampain.Hosting;
using Siampain.Imaging;
using Siampain.Messaging;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;
using Siampain.Tests.Storage;

namespace Siampain.Tests.Hosting;

/// <summary>
/// The whole terminal in-process, as `siampain run` builds it: real models, a folder of door-camera frames of real
/// faces, a LiteDB file, a real mosquitto. Only the door hardware is replaced (by a recorder).
/// </summary>
public sealed class TerminalHostTests : IDisposable
{
    private readonly TerminalFolder _folder = new();
    private readonly FaceAnalyzer _analyzer = new(TestAssets.Manifest, "int8");
    private readonly RgbImage _photo = TestAssets.LoadSample(3);
    private readonly List<DetectedFace> _faces;
    private readonly RecordingDoorSignal _door = new();
    private readonly CollectingLoggerProvider _logs = new();

    public TerminalHostTests() => _faces = DoorFrames.FacesOf(_photo);

    public void Dispose()
    {
        _analyzer.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_student_at_the_door_is_recorded_present_published_and_greeted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", "siampain/door-1/#");
        _folder.WriteConfig(broker.Port);
        _folder.Enrol(_analyzer, "ann", "Ann", _photo, _faces[0]);
        _folder.Enrol(_analyzer, "bo", "Bo", _photo, _faces[1]);
        _folder.AddRunningCourse("ann", "bo");
        _folder.WriteFrames(_photo, _faces[0], count: 10);

        string eventId;
        using (var host = await TerminalHost.StartAsync(_folder.Settings(_logs, UseDoor)))
        {
            await dashboard.WaitUntilAsync(m => m.Any(IsAnnPresent), "ann's present event");
            var published = JsonDocument.Parse(dashboard.Received.First(IsAnnPresent).Payload).RootElement;
            eventId = published.GetProperty("event_id").GetString()!;
            Assert.Equal("door-1", published.GetProperty("device").GetString());
            Assert.StartsWith("cs101-", published.GetProperty("session").GetString(), StringComparison.Ordinal);

            Assert.Equal((DoorSignalKind.Recognised, "Ann"), _door.Signals[0]);
            var board = host.Services.GetRequiredService<StatusBoard>().Current;
            Assert.Equal("ann", board.LastPerson);
            Assert.Equal(1, board.PeoplePresent);
            Assert.Equal("mobilefacenet-int8", board.Model);
            Assert.True(host.Services.GetRequiredService<FrameLoopHealth>().IsHealthy(out var reason), reason);
            await host.StopAsync();
        }

        // What was published is what the database kept, and it is still there after the service stopped.
        using var db = _folder.OpenDatabase();
        var store = new AttendanceStore(db);
        var record = Assert.Single(store.ListSessions().SelectMany(s => store.RecordsOf(s.Id)));
        Assert.Equal(("ann", AttendanceStatus.Present, eventId), (record.PersonId, record.Status, record.EventId));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 5010 && e.Message.Contains("2 people, 2 templates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stranger_is_recorded_unknown_and_shown_red()
    {
        _folder.WriteConfig();
        _folder.Enrol(_analyzer, "bo", "Bo", _photo, _faces[1]);
        _folder.AddRunningCourse("bo");
        _folder.WriteFrames(_photo, _faces[0], count: 10);

        using var host = await TerminalHost.StartAsync(_folder.Settings(_logs, UseDoor));
        var store = host.Services.GetRequiredService<AttendanceStore>();
        await Eventually.HoldsAsync(() => _door.Signals.Count > 0, () => "a door signal");

        Assert.Equal((DoorSignalKind.Unknown, null), _door.Signals[0]);
        var record = Assert.Single(store.ListSessions().SelectMany(s => store.RecordsOf(s.Id)));
        Assert.Equal((null, AttendanceStatus.Unknown), (record.PersonId, record.Status));
        await host.StopAsync();
    }

    [Fact]
    public async Task Templates_of_another_model_are_left_out_of_the_gallery_with_a_warning()
    {
        _folder.WriteConfig();
        _folder.Enrol(_analyzer, "ann", "Ann", _photo, _faces[0], modelId: "mobilefacenet-fp32@b85034fc17bf");
        _folder.WriteFrames(_photo, _faces[0], count: 2);

        using var host = await TerminalHost.StartAsync(_folder.Settings(_logs, UseDoor));

        Assert.Equal(0, host.Services.GetRequiredService<RecognitionEngine>().Gallery.TemplateCount);
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == 5012);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("1 face templates were made by model mobilefacenet-fp32@b85034fc17bf", warning.Message, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 5011);
        await host.StopAsync();
    }

    [Fact]
    public async Task Failing_frames_are_logged_and_skipped_and_a_run_of_them_makes_the_loop_unhealthy_until_frames_succeed()
    {
        _folder.WriteConfig();
        _folder.Enrol(_analyzer, "ann", "Ann", _photo, _faces[0]);
        _folder.WriteFrames(_photo, _faces[0], count: 1);
        var camera = new ChannelFrameSource();
        FlakyPipeline? flaky = null;
        using var host = await TerminalHost.StartAsync(_folder.Settings(_logs, services =>
        {
            UseDoor(services);
            services.Replace(ServiceDescriptor.Singleton<IFrameSource>(camera));
            services.Replace(ServiceDescriptor.Singleton<IRecognitionPipeline>(provider =>
                flaky = new FlakyPipeline(provider.GetRequiredService<RecognitionEngine>().Pipeline)));
        }));
        var health = host.Services.GetRequiredService<FrameLoopHealth>();
        var frame = DoorFrames.Around(_photo, _faces[0]);
        var at = DateTimeOffset.UtcNow;

        flaky!.FailNext(TerminalOptions.DefaultMaxConsecutiveFailures);
        for (var i = 0; i < TerminalOptions.DefaultMaxConsecutiveFailures; i++)
        {
            camera.Push(frame, at += TimeSpan.FromMilliseconds(66));
        }

        await Eventually.HoldsAsync(() => health.ConsecutiveFailures == TerminalOptions.DefaultMaxConsecutiveFailures, () => $"{health.ConsecutiveFailures} failures");
        Assert.False(health.IsHealthy(out var reason));
        Assert.Equal("the last 5 frames failed: InvalidOperationException: injected pipeline failure", reason);
        Assert.Equal(5, _logs.Entries.Count(e => e.EventId.Id == 5023 && e.Level == LogLevel.Error));

        // The loop carried on: the next frames are processed and recognise the person.
        for (var i = 0; i < 4; i++)
        {
            camera.Push(frame, at += TimeSpan.FromMilliseconds(66));
        }

        await Eventually.HoldsAsync(() => _door.Signals.Count > 0, () => "a door signal after the failures");
        Assert.True(health.IsHealthy(out reason), reason);
        Assert.Equal((DoorSignalKind.Recognised, "Ann"), _door.Signals[0]);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_full_disk_shows_the_error_signal_keeps_what_was_stored_and_records_again_once_there_is_room()
    {
        _folder.WriteConfig();
        _folder.Enrol(_analyzer, "ann", "Ann", _photo, _faces[0]);
        _folder.Enrol(_analyzer, "bo", "Bo", _photo, _faces[1]);
        _folder.AddRunningCourse("ann", "bo");
        _folder.WriteFrames(_photo, _faces[0], count: 1);
        var camera = new ChannelFrameSource();
        var disk = new FakeDisk();
        using var host = await TerminalHost.StartAsync(_folder.Settings(_logs, services =>
        {
            UseDoor(services);
            services.Replace(ServiceDescriptor.Singleton<IFrameSource>(camera));
            services.Replace(ServiceDescriptor.Singleton(_ => new SiampainDatabase(new StorageOptions { Path = _folder.DatabasePath }, TimeProvider.System, null,
                path => new FailingStream(File.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), disk))));
        }));
        var store = host.Services.GetRequiredService<AttendanceStore>();
        var at = DateTimeOffset.UtcNow;
        void Play(RgbImage image, int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                camera.Push(image, at += TimeSpan.FromMilliseconds(66));
            }
        }

        Play(DoorFrames.Around(_photo, _faces[1]), 4);
        await Eventually.HoldsAsync(() => _door.Signals.Count == 1, () => "bo's signal");

        disk.Full = true;
        Play(new RgbImage(640, 480), 20);
        Play(DoorFrames.Around(_photo, _faces[0]), 4);
        await Eventually.HoldsAsync(() => _door.Signals.Count == 2, () => "a second signal");
        Assert.Equal((DoorSignalKind.Error, null), _door.Signals[1]);
        Assert.Contains("the disk is full", host.Services.GetRequiredService<StatusBoard>().Current.LastError, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 5024 && e.Level == LogLevel.Error);

        // Ann comes back once space was freed: recorded now. Bo's record, written before, was never at risk.
        disk.Full = false;
        Play(new RgbImage(640, 480), 20);
        Play(DoorFrames.Around(_photo, _faces[0]), 4);
        await Eventually.HoldsAsync(() => _door.Signals.Count == 3, () => "a third signal");
        Assert.Equal((DoorSignalKind.Recognised, "Ann"), _door.Signals[2]);
        var records = store.ListSessions().SelectMany(s => store.RecordsOf(s.Id)).ToList();
        Assert.Equal([("bo", AttendanceStatus.Present), ("ann", AttendanceStatus.Present)], records.Select(r => (r.PersonId, r.Status)));
        Assert.True(host.Services.GetRequiredService<FrameLoopHealth>().IsHealthy(out var reason), reason);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_clip_played_once_ends_the_service_with_exit_code_zero()
    {
        _folder.WriteConfig(change: config => config["Camera"]!["EndOfStream"] = "Stop");
        _folder.WriteFrames(_photo, _faces[0], count: 3);
        var error = new StringWriter();

        var code = await TerminalHost.RunAsync(_folder.Settings(_logs, UseDoor), error);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, error.ToString());
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 5026);
    }

    private static bool IsAnnPresent(ProbeMessage message) =>
        message.Topic == "siampain/door-1/events" && message.Payload.Contains("\"person\":\"ann\"", StringComparison.Ordinal)
        && message.Payload.Contains("\"status\":\"present\"", StringComparison.Ordinal);

    private void UseDoor(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<IDoorSignal>(_door));
}
