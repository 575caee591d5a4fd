using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.Tests.Imaging;

public sealed class SquareResamplerTests
{
    private static readonly PixelNormalization Normalization = new(127.5f, 127.5f);

    [Theory]
    [InlineData(640, 480, 0f, 0f, 0f)] // letterboxed door frame: 5x shrink, 3 taps, black bands
    [InlineData(250, 250, 0f, 0f, 0f)] // LFW portrait: 2x shrink, 1 tap
    [InlineData(1920, 1280, 700f, 300f, 480f)] // a window inside a large photo, 3.75x shrink, 2 taps
    [InlineData(300, 200, -80f, -120f, 90f)] // a window hanging over the top-left corner, enlarging
    public void Matches_per_pixel_bilinear_sampling(int width, int height, float x, float y, float side)
    {
        var image = new RgbImage(width, height);
        new Random(width + height).NextBytes(image.Pixels);
        var window = side == 0 ? SquareWindow.Letterbox(width, height) : new SquareWindow(x, y, side);
        var fast = new float[128 * 128 * 3];
        new SquareResampler(128).Resample(image, window, fast, Normalization);

        var reference = Straightforward(image, window, 128);

        var worst = 0f;
        for (var i = 0; i < fast.Length; i++)
        {
            worst = MathF.Max(worst, MathF.Abs(fast[i] - reference[i]));
        }

        Assert.True(worst < 1e-4f, $"max difference {worst}");
    }

    [Fact]
    public void Buffers_are_reused_across_frames_of_different_sizes()
    {
        var resampler = new SquareResampler(64);
        var tensor = new float[64 * 64 * 3];
        foreach (var (w, h) in new[] { (640, 480), (100, 900), (64, 64) })
        {
            var image = new RgbImage(w, h);
            Array.Fill(image.Pixels, (byte)255);
            resampler.Resample(image, new SquareWindow(0, 0, Math.Min(w, h)), tensor, Normalization);
            Assert.All(tensor, v => Assert.Equal(1f, v, 4));
        }
    }

    /// <summary>The definition: each output pixel averages a taps x taps grid of bilinear samples.</summary>
    private static float[] Straightforward(RgbImage image, SquareWindow window, int size)
    {
        var tensor = new float[size * size * 3];
        var scale = window.Side / size;
        var taps = SquareResampler.TapsPerAxis(scale);
        var tapStep = scale / taps;
        Span<float> rgb = stackalloc float[3];
        for (var oy = 0; oy < size; oy++)
        {
            for (var ox = 0; ox < size; ox++)
            {
                rgb.Clear();
                for (var ty = 0; ty < taps; ty++)
                {
                    for (var tx = 0; tx < taps; tx++)
                    {
                        var sx = window.X + (ox * scale) + ((tx + 0.5f) * tapStep) - 0.5f;
                        var sy = window.Y + (oy * scale) + ((ty + 0.5f) * tapStep) - 0.5f;
                        Resampler.SampleAccumulate(image, sx, sy, 1f / (taps * taps), rgb);
                    }
                }

                for (var c = 0; c < 3; c++)
                {
                    tensor[(((oy * size) + ox) * 3) + c] = (rgb[c] - Normalization.Mean) / Normalization.Std;
                }
            }
        }

        return tensor;
    }
}
