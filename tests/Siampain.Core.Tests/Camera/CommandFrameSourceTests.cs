using Microsoft.Extensions.Logging;
using Siampain.Camera;
using static Siampain.Tests.Camera.FrameSourceTestKit;

namespace Siampain.Tests.Camera;

/// <summary>The command source against real processes: ffmpeg as the camera, sleep as a camera that hangs.</summary>
public sealed class CommandFrameSourceTests
{
    private readonly ListLogger _log = new();

    [Fact]
    public async Task Ffmpeg_frames_arrive_whole_with_the_configured_size()
    {
        var options = CommandOptions(160, 120, Ffmpeg("testsrc2=size=160x120:rate=15", "bgr24"));
        await using var source = new FrameSource(options, ProcessFrameCaptureFactory.ForCommand(options, _log), TimeProvider.System, _log);
        source.Start();

        var frames = await ReadAsync(source, 3);

        Assert.All(frames, f => Assert.Equal((160, 120), (f.Image.Width, f.Image.Height)));
        Assert.True(frames[0].Sequence < frames[1].Sequence && frames[1].Sequence < frames[2].Sequence);
        var health = source.Health;
        Assert.Equal(FrameSourceState.Running, health.State);
        Assert.NotNull(health.LastFrameAt);
        Assert.Equal(0, health.Restarts);
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task A_command_that_exits_is_restarted_and_frames_continue()
    {
        var options = CommandOptions(160, 120, Ffmpeg("testsrc2=size=160x120:rate=15", "bgr24", frames: 2));
        options.QueueCapacity = 2;
        await using var source = new FrameSource(options, ProcessFrameCaptureFactory.ForCommand(options, _log), TimeProvider.System, _log);
        source.Start();

        await WaitUntilAsync(() => source.Health.Restarts >= 2, () => $"two restarts; health {source.Health}");
        var frames = await ReadAsync(source, 2);

        Assert.True(frames[1].Sequence > frames[0].Sequence);
        Assert.True(source.Health.FramesDelivered >= 4);
        Assert.Contains(_log.Entries, e => e.Message.Contains("ended", StringComparison.Ordinal));
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task A_missing_command_is_a_clear_error_retried_with_back_off()
    {
        var options = CommandOptions(160, 120);
        options.Command = "siampain-test-no-such-camera";
        await using var source = new FrameSource(options, ProcessFrameCaptureFactory.ForCommand(options, _log), TimeProvider.System, _log);
        source.Start();

        await WaitUntilAsync(() => source.Health.ConsecutiveFailures >= 3, () => $"three failures; health {source.Health}");

        var health = source.Health;
        Assert.Contains("command not found", health.LastError, StringComparison.Ordinal);
        Assert.Contains("siampain-test-no-such-camera", health.LastError, StringComparison.Ordinal);
        Assert.Null(health.LastFrameAt);
        Assert.True(health.Restarts >= 2);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("command not found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silent_process_is_detected_as_stalled_and_restarted()
    {
        var options = CommandOptions(16, 16);
        options.Command = "sleep";
        options.Arguments = ["100"];
        options.StallTimeout = TimeSpan.FromMilliseconds(300);
        await using var source = new FrameSource(options, ProcessFrameCaptureFactory.ForCommand(options, _log), TimeProvider.System, _log);
        source.Start();

        await WaitUntilAsync(() => source.Health.Restarts >= 1 && source.Health.LastError is not null, () => $"a stall; health {source.Health}");

        Assert.Contains("stalled", source.Health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_frame_size_is_a_clear_error_and_no_torn_frame_is_delivered()
    {
        // 3 frames of 160x120 BGR are 172800 bytes: 3.84 frames of 150x100, so the stream ends inside a frame.
        var options = CommandOptions(150, 100, Ffmpeg("testsrc2=size=160x120:rate=15", "bgr24", frames: 3));
        options.QueueCapacity = 2;
        options.EndOfStream = EndOfStream.Stop;
        await using var source = new FrameSource(options, ProcessFrameCaptureFactory.ForCommand(options, _log), TimeProvider.System, _log);
        source.Start();

        await WaitUntilAsync(() => source.Health.LastError is not null, () => $"an error; health {source.Health}");

        var error = source.Health.LastError!;
        Assert.Contains("into a frame of 45000 bytes", error, StringComparison.Ordinal);
        Assert.Contains("150x100 Bgr24", error, StringComparison.Ordinal);
        Assert.Contains("Camera:Width", error, StringComparison.Ordinal);
        Assert.Contains("partial frame was discarded", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_command_is_reported_with_its_exit_code_and_last_words()
    {
        var options = CommandOptions(16, 16);
        options.Command = "sh";
        options.Arguments = ["-c", "echo 'no camera attached' >&2; exit 3"];
        await using var source = new FrameSource(options, ProcessFrameCaptureFactory.ForCommand(options, _log), TimeProvider.System, _log);
        source.Start();

        await WaitUntilAsync(() => source.Health.LastError is not null, () => $"an error; health {source.Health}");

        Assert.Contains("exited with code 3", source.Health.LastError, StringComparison.Ordinal);
        Assert.Contains("no camera attached", source.Health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rpicam_source_reads_i420_from_the_camera_program()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the camera terminal and its stand-in script are Linux only
        }

        var dir = Directory.CreateTempSubdirectory("siampain-rpicam-");
        try
        {
            // Stands in for rpicam-vid: checks it was asked for raw I420 on stdout and writes a solid colour of the
            // requested size.
            var fake = Path.Combine(dir.FullName, "rpicam-vid");
            await File.WriteAllTextAsync(fake, """
                #!/bin/sh
                w=0; h=0; codec=; out=
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --width) w=$2; shift;; --height) h=$2; shift;; --codec) codec=$2; shift;; -o) out=$2; shift;;
                  esac
                  shift
                done
                [ "$codec" = yuv420 ] && [ "$out" = - ] || { echo "bad arguments" >&2; exit 2; }
                exec ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i "color=c=0x3366CC:size=${w}x${h}:rate=15" -f rawvideo -pix_fmt yuv420p -
                """.ReplaceLineEndings("\n"));
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var options = new FrameSourceOptions { Kind = FrameSourceKind.Rpicam, Command = fake, Width = 128, Height = 96 };
            await using var source = FrameSource.Create(options, TimeProvider.System, new SingleLoggerFactory(_log));
            source.Start();

            var frames = await ReadAsync(source, 1);

            var image = frames[0].Image;
            Assert.Equal((128, 96), (image.Width, image.Height));
            var centre = ((48 * 128) + 64) * 3;
            Assert.InRange(image.Pixels[centre], 0x33 - 4, 0x33 + 4);
            Assert.InRange(image.Pixels[centre + 1], 0x66 - 4, 0x66 + 4);
            Assert.InRange(image.Pixels[centre + 2], 0xCC - 4, 0xCC + 4);
            frames[0].Dispose();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
