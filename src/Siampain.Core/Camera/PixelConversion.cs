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
    /// default of both rpicam-vid at camera sizes and ffmpeg's yuv420p. Fixed point with 8 fraction bits; the products
    /// come from tables and the final clamp from a saturation table, so a pixel costs a few loads and adds.
    /// </summary>
    public static void I420ToRgb(ReadOnlySpan<byte> i420, int width, int height, Span<byte> rgb)
    {
        var chromaWidth = (width + 1) / 2;
        var chromaHeight = (height + 1) / 2;
        if (i420.Length < FrameBytes(RawPixelFormat.I420, width, height) || rgb.Length < width * height * 3)
        {
            throw new ArgumentException($"I420 {width}x{height} needs {FrameBytes(RawPixelFormat.I420, width, height)} bytes in and {width * height * 3} out.", nameof(i420));
        }

        var tables = YuvTables.Instance;
        ReadOnlySpan<int> lumaTerm = tables.Luma;
        ReadOnlySpan<int> redV = tables.RedV;
        ReadOnlySpan<int> greenU = tables.GreenU;
        ReadOnlySpan<int> greenV = tables.GreenV;
        ReadOnlySpan<int> blueU = tables.BlueU;
        ReadOnlySpan<byte> saturate = tables.Saturate;
        var yPlane = i420[..(width * height)];
        var uPlane = i420.Slice(width * height, chromaWidth * chromaHeight);
        var vPlane = i420.Slice((width * height) + (chromaWidth * chromaHeight), chromaWidth * chromaHeight);
        for (var y = 0; y < height; y++)
        {
            var yRow = yPlane.Slice(y * width, width);
            var uRow = uPlane.Slice((y / 2) * chromaWidth, chromaWidth);
            var vRow = vPlane.Slice((y / 2) * chromaWidth, chromaWidth);
            var outRow = rgb.Slice(y * width * 3, width * 3);
            for (int x = 0, o = 0; x < width; x++, o += 3)
            {
                var u = uRow[x >> 1];
                var v = vRow[x >> 1];
                var c = lumaTerm[yRow[x]] + YuvTables.SaturateOffset;
                outRow[o] = saturate[(c + redV[v]) >> 8];
                outRow[o + 1] = saturate[(c - greenU[u] - greenV[v]) >> 8];
                outRow[o + 2] = saturate[(c + blueU[u]) >> 8];
            }
        }
    }

    /// <summary>Products of the BT.601 limited-range coefficients (x256) with every byte value, built once.</summary>
    private sealed class YuvTables
    {
        /// <summary>
        /// Added to every sum (x256) so the index into <see cref="Saturate"/> is never negative: the smallest sum,
        /// 298*-16 + 128 + 516*-128 = -70688, is above -SaturateOffset.
        /// </summary>
        public const int SaturateOffset = SaturateBias * 256;

        private const int SaturateBias = 512;

        public static readonly YuvTables Instance = new();

        private YuvTables()
        {
            for (var i = 0; i < 256; i++)
            {
                Luma[i] = (298 * (i - 16)) + 128;
                RedV[i] = 409 * (i - 128);
                GreenU[i] = 100 * (i - 128);
                GreenV[i] = 208 * (i - 128);
                BlueU[i] = 516 * (i - 128);
            }

            for (var i = 0; i < Saturate.Length; i++)
            {
                Saturate[i] = (byte)Math.Clamp(i - SaturateBias, 0, 255);
            }
        }

        public int[] Luma { get; } = new int[256];

        public int[] RedV { get; } = new int[256];

        public int[] GreenU { get; } = new int[256];

        public int[] GreenV { get; } = new int[256];

        public int[] BlueU { get; } = new int[256];

        /// <summary>Index = value + SaturateBias; the largest sum, 298*239 + 128 + 516*127 = 136882, is below 256 * 1024.</summary>
        public byte[] Saturate { get; } = new byte[SaturateBias + 1024];
    }
}
