namespace Siampain.Imaging;

/// <summary>
/// An 8-bit RGB image, rows packed without padding. The buffer may be rented and reused by a frame source:
/// consumers that keep pixels beyond the current frame must copy them.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length < width * height * 3)
        {
            throw new ArgumentException($"A {width}x{height} RGB image needs {width * height * 3} bytes, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Stride => Width * 3;

    /// <summary>RGB bytes, row-major; may be longer than Width*Height*3 when rented from a pool.</summary>
    public byte[] Pixels { get; }

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    public RgbImage Clone()
    {
        var copy = new RgbImage(Width, Height);
        Pixels.AsSpan(0, Width * Height * 3).CopyTo(copy.Pixels);
        return copy;
    }
}
