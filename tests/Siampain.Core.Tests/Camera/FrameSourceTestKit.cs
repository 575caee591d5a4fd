using Siampain.Camera;

namespace Siampain.Tests.Camera;

internal static class FrameSourceTestKit
{
    /// <summary>Guards against a hang only; no test asserts how fast anything is.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>ffmpeg writing synthetic raw video: paced like a live camera, or as fast as it can for <paramref name="frames"/> frames.</summary>
    public static string[] Ffmpeg(string input, string pixelFormat, int frames = 0)
    {
        string[] pace = frames == 0 ? ["-re"] : [];
        string[] limit = frames == 0 ? [] : ["-frames:v", $"{frames}"];
        return ["-hide_banner", "-loglevel", "error", "-nostdin", .. pace, "-f", "lavfi", "-i", input, .. limit, "-f", "rawvideo", "-pix_fmt", pixelFormat, "-"];
    }

    public static FrameSourceOptions CommandOptions(int width, int height, params string[] arguments) => new()
    {
        Kind = FrameSourceKind.Command,
        Command = "ffmpeg",
        Arguments = arguments,
        PixelFormat = RawPixelFormat.Bgr24,
        Width = width,
        Height = height,
        StallTimeout = TimeSpan.FromSeconds(10),
        RestartDelay = TimeSpan.FromMilliseconds(50),
        MaxRestartDelay = TimeSpan.FromMilliseconds(400),
    };

    public static async Task<List<Frame>> ReadAsync(IFrameSource source, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var frames = new List<Frame>();
        while (frames.Count < count)
        {
            frames.Add(await source.Frames.ReadAsync(timeout.Token));
        }

        return frames;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        var start = DateTime.UtcNow;
        while (!condition())
        {
            if (DateTime.UtcNow - start > Patience)
            {
                Assert.Fail($"Gave up waiting: {describe()}");
            }

            await Task.Delay(10);
        }
    }
}
