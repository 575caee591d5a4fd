namespace Siampain.Camera;

/// <summary>Raw camera layouts to packed RGB. Each has a per-pixel twin in the tests.</summary>
public static class PixelConversion
{
    /// <summary>Bytes of one raw frame.</summary>
    public static int FrameBytes(RawPixelFormat format, int width, int height) => format switch
    {
        RawPixelFormat.Bgr24 or RawPixelFormat.Rgb24 => checked(width * height * 3),
        RawPixelFormat.Gray => checked(width * height),
        RawPixelFormat.I420 => checked((width * height) + (2 * ((width + 1) / 2) * ((height + 1) / 2))),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };

    public static void ToRgb(RawPixelFormat format, ReadOnlySpan<byte> source, int width, int height, Span<byte> rgb)
    {
        switch (format)
        {
            case RawPixelFormat.Rgb24:
                source[..(width * height * 3)].CopyTo(rgb);
                break;
            case RawPixelFormat.Bgr24:
                BgrToRgb(source, rgb[..(width * height * 3)]);
                break;
            case RawPixelFormat.Gray:
                GrayToRgb(source[..(width * height)], rgb);
                break;
            case RawPixelFormat.I420:
                I420ToRgb(source, width, height, rgb);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format.");
        }
    }

    /// <summary>Swaps the first and third byte of every pixel. <paramref name="rgb"/> may be the same memory as <paramref name="bgr"/>.</summary>
    public static void BgrToRgb(ReadOnlySpan<byte> bgr, Span<byte> rgb)
    {
        if (bgr.Length % 3 != 0 || rgb.Length < bgr.Length)
        {
            throw new ArgumentException($"BGR input of {bgr.Length} bytes is not whole pixels or does not fit {rgb.Length} bytes.", nameof(bgr));
        }

        for (var i = 0; i < bgr.Length; i += 3)
        {
            var b = bgr[i];
            rgb[i + 1] = bgr[i + 1];
            rgb[i] = bgr[i + 2];
            rgb[i + 2] = b;
        }
    }

    public static void GrayToRgb(ReadOnlySpan<byte> gray, Span<byte> rgb)
    {
        if (rgb.Length < gray.Length * 3)
        {
            throw new ArgumentException($"{gray.Length} gray pixels need {gray.Length * 3} RGB bytes, got {rgb.Length}.", nameof(rgb));
        }

        for (int i = 0, o = 0; i < gray.Length; i++, o += 3)
        {
            var g = gray[i];
            rgb[o] = g;
            rgb[o + 1] = g;
            rgb[o + 2] = g;
        }
    }

    /// <summary>
    /// Planar 4:2:0 (Y, then U, then V, chroma halved both ways) to RGB with BT.601 limited-range coefficients, the
    /// default of both rpicam-vid at camera sizes and ffmpeg's yuv420p. Fixed point (8 fraction bits); each chroma
    /// sample's terms are computed once and shared by its two pixels of a row.
    /// </summary>
    public static void I420ToRgb(ReadOnlySpan<byte> i420, int width, int height, Span<byte> rgb)
    {
        var chromaWidth = (width + 1) / 2;
        var chromaHeight = (height + 1) / 2;
        if (i420.Length < FrameBytes(RawPixelFormat.I420, width, height) || rgb.Length < width * height * 3)
        {
            throw new ArgumentException($"I420 {width}x{height} needs {FrameBytes(RawPixelFormat.I420, width, height)} bytes in and {width * height * 3} out.", nameof(i420));
        }

        var yPlane = i420[..(width * height)];
        var uPlane = i420.Slice(width * height, chromaWidth * chromaHeight);
        var vPlane = i420.Slice((width * height) + (chromaWidth * chromaHeight), chromaWidth * chromaHeight);
        for (var y = 0; y < height; y++)
        {
            var yRow = yPlane.Slice(y * width, width);
            var uRow = uPlane.Slice((y / 2) * chromaWidth, chromaWidth);
            var vRow = vPlane.Slice((y / 2) * chromaWidth, chromaWidth);
            var outRow = rgb.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x += 2)
            {
                var d = uRow[x / 2] - 128;
                var e = vRow[x / 2] - 128;
                var red = (409 * e) + 128;
                var green = (-100 * d) - (208 * e) + 128;
                var blue = (516 * d) + 128;
                Store(outRow, x, yRow[x], red, green, blue);
                if (x + 1 < width)
                {
                    Store(outRow, x + 1, yRow[x + 1], red, green, blue);
                }
            }
        }

        static void Store(Span<byte> row, int x, byte luma, int red, int green, int blue)
        {
            var c = 298 * (luma - 16);
            var o = x * 3;
            row[o] = Clamp((c + red) >> 8);
            row[o + 1] = Clamp((c + green) >> 8);
            row[o + 2] = Clamp((c + blue) >> 8);
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
