using Siampain.Models;

namespace Siampain.Imaging;

/// <summary>Bilinear resampling written straight into a normalised NHWC float tensor (no intermediate image).</summary>
public static class Resampler
{
    /// <summary>
    /// Fills <paramref name="tensor"/> (size x size x 3) with the square <paramref name="window"/> of the image
    /// resampled to size x size; parts of the window outside the image are black.
    /// </summary>
    public static void SquareInto(RgbImage image, SquareWindow window, Span<float> tensor, int size, PixelNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(normalization);
        var scale = window.Side / size;
        var inverseStd = 1f / normalization.Std;
        var black = -normalization.Mean * inverseStd;

        // When shrinking by more than 2x, plain bilinear reads too few source pixels and aliases: average a
        // small grid of bilinear taps instead (2x2 or 3x3), which keeps a 640x480 frame's faces detectable.
        var taps = Math.Clamp((int)MathF.Ceiling(scale / 2f), 1, 3);
        var tapStep = scale / taps;
        var tapWeight = 1f / (taps * taps);
        Span<float> rgb = stackalloc float[3];
        for (var oy = 0; oy < size; oy++)
        {
            for (var ox = 0; ox < size; ox++)
            {
                var o = ((oy * size) + ox) * 3;
                rgb.Clear();
                var inside = false;
                for (var ty = 0; ty < taps; ty++)
                {
                    var sy = window.Y + (oy * scale) + ((ty + 0.5f) * tapStep) - 0.5f;
                    for (var tx = 0; tx < taps; tx++)
                    {
                        var sx = window.X + (ox * scale) + ((tx + 0.5f) * tapStep) - 0.5f;
                        inside |= SampleAccumulate(image, sx, sy, tapWeight, rgb);
                    }
                }

                if (!inside)
                {
                    tensor[o] = black;
                    tensor[o + 1] = black;
                    tensor[o + 2] = black;
                    continue;
                }

                tensor[o] = (rgb[0] - normalization.Mean) * inverseStd;
                tensor[o + 1] = (rgb[1] - normalization.Mean) * inverseStd;
                tensor[o + 2] = (rgb[2] - normalization.Mean) * inverseStd;
            }
        }
    }

    /// <summary>
    /// Adds weight * bilinear(image at sx, sy) to rgb. Pixels outside the image count as black.
    /// Returns whether any part of the tap fell inside the image.
    /// </summary>
    public static bool SampleAccumulate(RgbImage image, float sx, float sy, float weight, Span<float> rgb)
    {
        if (sx <= -1 || sy <= -1 || sx >= image.Width || sy >= image.Height)
        {
            return false;
        }

        var x0 = (int)MathF.Floor(sx);
        var y0 = (int)MathF.Floor(sy);
        var fx = sx - x0;
        var fy = sy - y0;
        var pixels = image.Pixels;
        var stride = image.Stride;
        for (var dy = 0; dy < 2; dy++)
        {
            var y = y0 + dy;
            if ((uint)y >= (uint)image.Height)
            {
                continue;
            }

            var wy = dy == 0 ? 1 - fy : fy;
            for (var dx = 0; dx < 2; dx++)
            {
                var x = x0 + dx;
                if ((uint)x >= (uint)image.Width)
                {
                    continue;
                }

                var w = weight * wy * (dx == 0 ? 1 - fx : fx);
                var p = (y * stride) + (x * 3);
                rgb[0] += pixels[p] * w;
                rgb[1] += pixels[p + 1] * w;
                rgb[2] += pixels[p + 2] * w;
            }
        }

        return true;
    }
}
