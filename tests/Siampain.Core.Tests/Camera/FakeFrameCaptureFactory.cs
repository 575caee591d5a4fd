using Siampain.Camera;

namespace Siampain.Tests.Camera;

/// <summary>A camera in memory: each session yields <c>framesPerSession</c> tiny frames at once, or fails to open.</summary>
internal sealed class FakeFrameCaptureFactory(int framesPerSession, bool failToOpen = false) : IFrameCaptureFactory
{
    private int _opened;

    public int Opened => Volatile.Read(ref _opened);

    public string Description => "fake camera";

    public ValueTask<IFrameCapture> OpenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opened);
        if (failToOpen)
        {
            throw new FrameSourceException("fake camera is unplugged");
        }

        return ValueTask.FromResult<IFrameCapture>(new Capture(framesPerSession));
    }

    private sealed class Capture(int frames) : IFrameCapture
    {
        private int _left = frames;

        public ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(_left-- > 0 ? Frame.Rent(2, 2) : null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
