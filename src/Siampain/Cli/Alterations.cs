using Siampain.Detection;
using Siampain.Imaging;

namespace Siampain.Cli;

/// <summary>Shows a face "seen again": a portrait cut around it, mirrored, darker, blurred and smaller than at enrolment.</summary>
internal static class Alterations
{
    public static RgbImage SeenAgain(RgbImage photo, FaceBox face)
    {
        const int side = 200;
        var portrait = new RgbImage(side, side);
        var window = face.Width * 2.2f;
        var x0 = face.Centre.X - (window / 2);
        var y0 = face.Centre.Y - (window / 2);
        Span<float> rgb = stackalloc float[3];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                // 3x3 taps spread over a source pixel and a half: a mild blur on top of the downscale.
                rgb.Clear();
                for (var t = 0; t < 9; t++)
                {
                    var sx = x0 + ((side - 1 - x + ((t % 3) - 1) * 0.75f) * window / side);
                    var sy = y0 + ((y + ((t / 3) - 1) * 0.75f) * window / side);
                    Resampler.SampleAccumulate(photo, sx, sy, 0.7f / 9, rgb);
                }

                var o = (y * portrait.Stride) + (x * 3);
                for (var c = 0; c < 3; c++)
                {
                    portrait.Pixels[o + c] = (byte)Math.Clamp(rgb[c], 0, 255);
                }
            }
        }

        return portrait;
    }
}
