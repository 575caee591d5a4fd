using Microsoft.Extensions.Logging;
using Siampain.Imaging;

namespace Siampain.Camera;

/// <summary>
/// Plays the photos of a folder in name order at a fixed rate, as if a camera saw them. Photos keep their own size.
/// A photo that cannot be decoded is skipped with a warning naming it.
/// </summary>
public sealed class ImageFolderCaptureFactory : IFrameCaptureFactory
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".pgm", ".ppm"];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ImageFolderCaptureFactory(string folder, int frameRate, bool loop, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameRate);
        Folder = folder;
        FrameRate = frameRate;
        Loop = loop;
        _time = time;
        _logger = logger;
    }

    public string Folder { get; }

    public int FrameRate { get; }

    public bool Loop { get; }

    public string Description => $"images in '{Folder}' at {FrameRate} fps";

    public static ImageFolderCaptureFactory FromOptions(FrameSourceOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ImageFolderCaptureFactory(options.ImagesFolder, options.FrameRate, options.EndOfStream == EndOfStream.Restart, time, logger);
    }

    public ValueTask<IFrameCapture> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            throw new FrameSourceException($"{FrameSourceOptions.SectionName}:{nameof(FrameSourceOptions.ImagesFolder)} '{Folder}' does not exist.");
        }

        var files = Directory.EnumerateFiles(Folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new FrameSourceException(
                $"{FrameSourceOptions.SectionName}:{nameof(FrameSourceOptions.ImagesFolder)} '{Folder}' has no photos ({string.Join(", ", Extensions)}).");
        }

        return ValueTask.FromResult<IFrameCapture>(new ImageFolderCapture(this, files, _time, _logger));
    }

    private sealed class ImageFolderCapture(ImageFolderCaptureFactory settings, string[] files, TimeProvider time, ILogger logger) : IFrameCapture
    {
        private readonly PeriodicTimer _timer = new(TimeSpan.FromSeconds(1.0 / settings.FrameRate), time);
        private int _next;
        private bool _started;

        public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
        {
            // The first photo comes at once, like a camera's first frame; the rest at the frame rate.
            if (_started)
            {
                await _timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }

            _started = true;
            for (var tried = 0; tried < files.Length; tried++)
            {
                if (_next == files.Length)
                {
                    if (!settings.Loop)
                    {
                        return null;
                    }

                    _next = 0;
                }

                var path = files[_next++];
                try
                {
                    return Frame.Wrap(ImageFile.Load(path));
                }
                catch (InvalidImageException e)
                {
                    Log.ImageSkipped(logger, e.Message);
                }
            }

            throw new FrameSourceException($"None of the {files.Length} photos in '{settings.Folder}' could be read.");
        }

        public ValueTask DisposeAsync()
        {
            _timer.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
