using System.Buffers;
using Siampain.Imaging;

namespace Siampain.Camera;

/// <summary>
/// One camera frame. Its pixels are rented from a pool: the consumer disposes the frame when done, after which
/// <see cref="Image"/> must not be touched (copy it with <see cref="RgbImage.Clone"/> to keep it).
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly bool _pooled;
    private int _disposed;

    private Frame(RgbImage image, bool pooled)
    {
        Image = image;
        _pooled = pooled;
    }

    public RgbImage Image { get; }

    /// <summary>Counts up by one per frame delivered by the source, across restarts; gaps mean dropped frames.</summary>
    public long Sequence { get; internal set; }

    /// <summary>When the frame was read from the camera.</summary>
    public DateTimeOffset CapturedAt { get; internal set; }

    /// <summary>A frame whose pixel buffer comes from the shared pool.</summary>
    public static Frame Rent(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return new Frame(new RgbImage(width, height, ArrayPool<byte>.Shared.Rent(checked(width * height * 3))), pooled: true);
    }

    /// <summary>A frame around an image the caller allocated (nothing returns to the pool).</summary>
    public static Frame Wrap(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new Frame(image, pooled: false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _pooled)
        {
            ArrayPool<byte>.Shared.Return(Image.Pixels);
        }
    }
}
