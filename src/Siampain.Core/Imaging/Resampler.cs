namespace Siampain.Imaging;

/// <summary>Bilinear sampling of single points, for warps (alignment, masks) that cannot be separated by axis.</summary>
public static class Resampler
{
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
