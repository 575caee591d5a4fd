using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Siampain.Camera;
using Siampain.Imaging;

namespace Siampain.Tests.Camera;

public sealed class ImageFolderFrameSourceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("siampain-images-");
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Photos_play_in_name_order_at_the_frame_rate_skipping_unreadable_ones()
    {
        Save("a.png", 8, 6, 200);
        Save("b.png", 10, 4, 100);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "c.png"), "not a png");
        Save("d.png", 4, 4, 50);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "notes.txt"), "ignored");
        var time = new FakeTimeProvider();
        var options = new FrameSourceOptions { Kind = FrameSourceKind.Images, ImagesFolder = _dir.FullName, FrameRate = 10, QueueCapacity = 2, EndOfStream = EndOfStream.Stop };
        await using var source = new FrameSource(options, ImageFolderCaptureFactory.FromOptions(options, time, _log), time, _log);
        source.Start();

        var first = await source.Frames.ReadAsync();
        Assert.False(source.Frames.TryPeek(out _), "the next photo must wait for its tick");
        time.Advance(TimeSpan.FromMilliseconds(100));
        var second = await source.Frames.ReadAsync();
        time.Advance(TimeSpan.FromMilliseconds(100));
        var third = await source.Frames.ReadAsync();
        time.Advance(TimeSpan.FromMilliseconds(100));
        await source.Frames.Completion;

        Assert.Equal([(8, 6, 200), (10, 4, 100), (4, 4, 50)], new[] { first, second, third }.Select(f => (f.Image.Width, f.Image.Height, (int)f.Image.Pixels[0])));
        Assert.Equal(FrameSourceState.Stopped, source.Health.State);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("c.png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Photos_loop_when_the_source_restarts_at_the_end()
    {
        Save("a.png", 4, 4, 10);
        Save("b.png", 4, 4, 20);
        var time = new FakeTimeProvider();
        var options = new FrameSourceOptions { Kind = FrameSourceKind.Images, ImagesFolder = _dir.FullName, FrameRate = 10 };
        await using var source = new FrameSource(options, ImageFolderCaptureFactory.FromOptions(options, time, _log), time, _log);
        source.Start();

        var seen = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var frame = await source.Frames.ReadAsync();
            seen.Add(frame.Image.Pixels[0]);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal([10, 20, 10, 20, 10], seen);
        Assert.Equal(0, source.Health.Restarts);
    }

    [Fact]
    public async Task An_empty_folder_is_a_clear_error()
    {
        var options = new FrameSourceOptions { Kind = FrameSourceKind.Images, ImagesFolder = _dir.FullName };
        var factory = ImageFolderCaptureFactory.FromOptions(options, TimeProvider.System, _log);

        var e = await Assert.ThrowsAsync<FrameSourceException>(() => factory.OpenAsync(CancellationToken.None).AsTask());

        Assert.Contains("Camera:ImagesFolder", e.Message, StringComparison.Ordinal);
        Assert.Contains("has no photos", e.Message, StringComparison.Ordinal);
    }

    private void Save(string name, int width, int height, byte value)
    {
        var image = new RgbImage(width, height);
        image.Pixels.AsSpan().Fill(value);
        ImageFile.SavePng(image, Path.Combine(_dir.FullName, name));
    }
}
