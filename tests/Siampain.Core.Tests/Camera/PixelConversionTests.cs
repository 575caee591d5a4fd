using Siampain.Camera;

namespace Siampain.Tests.Camera;

public sealed class PixelConversionTests
{
    [Theory]
    [InlineData(16, 8)]
    [InlineData(7, 5)]
    [InlineData(2, 2)]
    [InlineData(1, 1)]
    public void I420_matches_the_textbook_formula_per_pixel(int width, int height)
    {
        var i420 = RandomBytes(PixelConversion.FrameBytes(RawPixelFormat.I420, width, height), seed: width * height);
        var rgb = new byte[width * height * 3];

        PixelConversion.I420ToRgb(i420, width, height, rgb);

        var chromaWidth = (width + 1) / 2;
        var chromaPlane = chromaWidth * ((height + 1) / 2);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double luma = i420[(y * width) + x];
                double u = i420[(width * height) + ((y / 2) * chromaWidth) + (x / 2)];
                double v = i420[(width * height) + chromaPlane + ((y / 2) * chromaWidth) + (x / 2)];
                var r = (1.164383 * (luma - 16)) + (1.596027 * (v - 128));
                var g = (1.164383 * (luma - 16)) - (0.391762 * (u - 128)) - (0.812968 * (v - 128));
                var b = (1.164383 * (luma - 16)) + (2.017232 * (u - 128));
                var o = ((y * width) + x) * 3;
                AssertClose(r, rgb[o], x, y, "R");
                AssertClose(g, rgb[o + 1], x, y, "G");
                AssertClose(b, rgb[o + 2], x, y, "B");
            }
        }
    }

    [Fact]
    public void I420_is_right_across_the_whole_value_range_including_saturation()
    {
        var rgb = new byte[2 * 2 * 3];
        int[] values = [0, 1, 15, 16, 17, 64, 127, 128, 129, 200, 235, 240, 254, 255];
        foreach (var luma in values)
        {
            foreach (var u in values)
            {
                foreach (var v in values)
                {
                    byte[] i420 = [(byte)luma, (byte)luma, (byte)luma, (byte)luma, (byte)u, (byte)v];
                    PixelConversion.I420ToRgb(i420, 2, 2, rgb);
                    AssertClose((1.164383 * (luma - 16)) + (1.596027 * (v - 128)), rgb[9], luma, u, "R");
                    AssertClose((1.164383 * (luma - 16)) - (0.391762 * (u - 128)) - (0.812968 * (v - 128)), rgb[10], luma, u, "G");
                    AssertClose((1.164383 * (luma - 16)) + (2.017232 * (u - 128)), rgb[11], luma, u, "B");
                }
            }
        }
    }

    [Fact]
    public void Bgr_to_rgb_swaps_red_and_blue_of_every_pixel()
    {
        var bgr = RandomBytes(5 * 3 * 3, seed: 1);
        var rgb = new byte[bgr.Length];

        PixelConversion.ToRgb(RawPixelFormat.Bgr24, bgr, 5, 3, rgb);

        for (var p = 0; p < 15; p++)
        {
            Assert.Equal((bgr[(p * 3) + 2], bgr[(p * 3) + 1], bgr[p * 3]), (rgb[p * 3], rgb[(p * 3) + 1], rgb[(p * 3) + 2]));
        }
    }

    [Fact]
    public void Bgr_to_rgb_works_in_place()
    {
        byte[] pixels = [1, 2, 3, 4, 5, 6];

        PixelConversion.BgrToRgb(pixels, pixels);

        Assert.Equal([3, 2, 1, 6, 5, 4], pixels);
    }

    [Fact]
    public void Gray_is_copied_to_all_three_channels()
    {
        byte[] gray = [0, 100, 255];
        var rgb = new byte[9];

        PixelConversion.ToRgb(RawPixelFormat.Gray, gray, 3, 1, rgb);

        Assert.Equal([0, 0, 0, 100, 100, 100, 255, 255, 255], rgb);
    }

    [Theory]
    [InlineData(RawPixelFormat.Bgr24, 4, 2, 24)]
    [InlineData(RawPixelFormat.Gray, 4, 2, 8)]
    [InlineData(RawPixelFormat.I420, 4, 2, 12)]
    [InlineData(RawPixelFormat.I420, 3, 3, 9 + 8)]
    public void Frame_sizes(RawPixelFormat format, int width, int height, int bytes) =>
        Assert.Equal(bytes, PixelConversion.FrameBytes(format, width, height));

    [Fact]
    public void A_short_buffer_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => PixelConversion.I420ToRgb(new byte[10], 4, 4, new byte[48]));
    }

    private static void AssertClose(double expected, byte actual, int x, int y, string channel)
    {
        var clamped = Math.Clamp(Math.Round(expected), 0, 255);
        Assert.True(Math.Abs(clamped - actual) <= 2, $"{channel} at ({x},{y}): expected {clamped}, got {actual}");
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
