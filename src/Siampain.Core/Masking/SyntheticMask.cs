using System.Numerics;
using Siampain.Detection;
using Siampain.Imaging;

namespace Siampain.Masking;

/// <summary>
/// The project's own masks, painted from a face's BlazeFace keypoints with no template picture: the outline and
/// fabric are functions on a canonical mask square (u across from the image's left, v down from the nose bridge
/// to under the chin) that a homography lays onto <see cref="MaskAnchors"/>. The top edge sits between the eyes
/// and the nose tip and the mask covers the nose, as real masks do. Edges are anti-aliased over one pixel.
/// The MaskTheFace templates stay for evaluation only, so the project is never graded on the masks it trains with.
/// </summary>
public static class SyntheticMask
{
    // Where the six anchors sit on the canonical square: upper corners at nose level near the ears, top centre
    // on the nose bridge, lower corners at the jaw, bottom centre under the chin.
    private static readonly Vector2[] Canonical =
    [
        new(0f, 0.3f), new(0.5f, 0f), new(1f, 0.3f),
        new(0.1f, 0.8f), new(0.5f, 1f), new(0.9f, 0.8f),
    ];

    /// <summary>Paints a mask of <paramref name="style"/> onto <paramref name="image"/> in place, placed on <paramref name="face"/>.</summary>
    public static void Paint(RgbImage image, in DetectedFace face, SyntheticMaskStyle style)
    {
        ArgumentNullException.ThrowIfNull(image);
        var anchors = MaskAnchors.Estimate(face).ToArray();
        var toCanonical = Homography.Fit(anchors, Canonical);

        // Pixels per canonical unit, for turning distances to the outline into pixels (anti-aliasing, seams).
        var widthPixels = Vector2.Distance(anchors[0], anchors[2]);
        var heightPixels = Vector2.Distance(anchors[1], anchors[4]);
        if (widthPixels < 2 || heightPixels < 2)
        {
            return;
        }

        // The outline reaches a little past the anchors (wide masks, chin dip): scan a margin around them.
        var margin = 0.15f * MathF.Max(widthPixels, heightPixels);
        var minX = (int)MathF.Max(0, MathF.Floor(anchors.Min(p => p.X) - margin));
        var maxX = (int)MathF.Min(image.Width - 1, MathF.Ceiling(anchors.Max(p => p.X) + margin));
        var minY = (int)MathF.Max(0, MathF.Floor(anchors.Min(p => p.Y) - margin));
        var maxY = (int)MathF.Min(image.Height - 1, MathF.Ceiling(anchors.Max(p => p.Y) + margin));
        var pixels = image.Pixels;
        for (var y = minY; y <= maxY; y++)
        {
            for (var x = minX; x <= maxX; x++)
            {
                var c = toCanonical.Apply(new Vector2(x, y));
                var (inside, shade, accent) = Fabric(c.X, c.Y, style, widthPixels, heightPixels);
                var alpha = Math.Clamp(inside + 0.5f, 0, 1);
                if (alpha <= 0)
                {
                    continue;
                }

                var o = (y * image.Stride) + (x * 3);
                Blend(pixels, o, Lerp(style.Colour.R, style.Accent.R, accent) * shade, alpha);
                Blend(pixels, o + 1, Lerp(style.Colour.G, style.Accent.G, accent) * shade, alpha);
                Blend(pixels, o + 2, Lerp(style.Colour.B, style.Accent.B, accent) * shade, alpha);
            }
        }
    }

    /// <summary>
    /// At canonical (u, v): how far inside the outline in pixels (negative outside), the brightness factor, and how
    /// much of the accent colour shows.
    /// </summary>
    private static (float Inside, float Shade, float Accent) Fabric(float u, float v, in SyntheticMaskStyle style, float widthPixels, float heightPixels)
    {
        var halfWidth = 0.5f * style.Width;
        var s = (u - 0.5f) / halfWidth;
        var a = MathF.Abs(s);
        var drop = style.Drop;
        var (top, bottom) = style.Shape switch
        {
            MaskShape.Surgical => (drop + 0.06f + (0.22f * a * a), 1f - (0.2f * a * a)),
            MaskShape.Cloth => (drop + (0.3f * MathF.Pow(a, 1.5f)), 1.04f - (0.3f * a * a)),
            _ => (drop + (0.32f * a), 1.05f - (0.3f * a)),
        };

        // Slopes make a vertical distance overstate the true one; dividing by the slope's length keeps edges one pixel soft.
        var side = (1 - a) * halfWidth * widthPixels;
        var inside = MathF.Min(MathF.Min((v - top) * heightPixels, (bottom - v) * heightPixels), side);
        if (inside < -0.5f)
        {
            return (inside, 0, 0);
        }

        // A cylinder-like fall-off across the face, plus a slightly darker binding along the edge.
        var shade = 0.8f + (0.2f * MathF.Sqrt(MathF.Max(0, 1 - (a * a))));
        shade *= inside < 2.5f ? 0.88f : 1f;
        var accent = 0f;
        var t = (v - top) / MathF.Max(1e-3f, bottom - top);
        switch (style.Texture)
        {
            case MaskTexture.Pleats:
                foreach (var pleat in (ReadOnlySpan<float>)[0.3f, 0.5f, 0.7f])
                {
                    var d = (t - pleat) * (bottom - top) * heightPixels;
                    shade *= 1 - (0.3f * MathF.Exp(-(d * d) / 2.5f));
                    shade *= 1 + (0.12f * MathF.Exp(-((d + 3) * (d + 3)) / 2.5f));
                }

                break;
            case MaskTexture.Stripes:
                var phase = ((s * halfWidth) + (0.6f * v)) * 7f;
                accent = phase - MathF.Floor(phase) < 0.5f ? 1f : 0f;
                break;
            case MaskTexture.Noise:
                shade *= 0.9f + (0.2f * Grain((int)(u * widthPixels), (int)(v * heightPixels), style.Seed));
                break;
        }

        if (style.Shape == MaskShape.Kn95)
        {
            var fromSeam = s * halfWidth * widthPixels;
            shade *= 1 - (0.35f * MathF.Exp(-(fromSeam * fromSeam) / 1.5f));
        }

        return (inside, shade, accent);
    }

    /// <summary>A deterministic value in [0, 1) per pixel of the mask's own grid.</summary>
    private static float Grain(int x, int y, int seed)
    {
        var h = (uint)((x * 73856093) ^ (y * 19349663) ^ (seed * 83492791));
        h ^= h >> 13;
        h *= 0x5bd1e995;
        h ^= h >> 15;
        return (h & 0xFFFF) / 65536f;
    }

    private static float Lerp(byte a, byte b, float t) => a + ((b - a) * t);

    private static void Blend(byte[] pixels, int offset, float value, float alpha) =>
        pixels[offset] = (byte)Math.Clamp(MathF.Round((alpha * value) + ((1 - alpha) * pixels[offset])), 0, 255);
}
