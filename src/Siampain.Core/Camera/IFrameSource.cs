using System.Threading.Channels;

namespace Siampain.Camera;

/// <summary>
/// A camera. After <see cref="Start"/> it captures in the background, restarting the camera after failures until it
/// is disposed. <see cref="Frames"/> holds only the newest frame or two; the reader disposes each frame it takes.
/// </summary>
public interface IFrameSource : IAsyncDisposable
{
    ChannelReader<Frame> Frames { get; }

    FrameSourceHealth Health { get; }

    void Start();
}

/// <summary>One capture session of a camera (one process, one pass over a folder).</summary>
public interface IFrameCapture : IAsyncDisposable
{
    /// <summary>The next frame, or null when the source ended normally.</summary>
    /// <exception cref="FrameSourceException">The camera failed; the message says how.</exception>
    ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Opens capture sessions; the frame source calls it again after every failure.</summary>
public interface IFrameCaptureFactory
{
    /// <summary>Names the camera in logs and errors, e.g. "rpicam-vid 640x480 at 15 fps".</summary>
    string Description { get; }

    /// <exception cref="FrameSourceException">The camera cannot be started.</exception>
    ValueTask<IFrameCapture> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>A camera failure; the message names the camera and the problem.</summary>
public sealed class FrameSourceException : Exception
{
    public FrameSourceException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
