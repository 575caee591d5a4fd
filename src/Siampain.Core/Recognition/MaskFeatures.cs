namespace Siampain.Recognition;

/// <summary>
/// A few statistics of the aligned crop that tell a mask from a mouth and chin, whatever the mask looks like: the
/// lower face's colour against the forehead's (skin against fabric), its chroma, its texture (fabric is smoother
/// than lips, teeth and stubble) and how evenly coloured it is. Computed on the embedder's input tensor, before
/// the embedder runs, for about a microsecond.
/// </summary>
public static class MaskFeatures
{
    /// <summary>Values per crop.</summary>
    public const int Count = 16;

    // Regions in the 112x112 aligned crop (eyes at row ~52, nose tip ~72, mouth ~92): forehead, and mouth + chin.
    private static readonly (int Top, int Bottom, int Left, int Right) Forehead = (10, 38, 36, 76);
    private static readonly (int Top, int Bottom, int Left, int Right) Lower = (76, 106, 34, 78);
    private static readonly (int Top, int Bottom, int Left, int Right) Cheeks = (62, 76, 22, 90);

    /// <summary>Writes the <see cref="Count"/> features of an NHWC crop tensor of side <paramref name="size"/>.</summary>
    public static void Compute(ReadOnlySpan<float> crop, int size, Span<float> features)
    {
        if (features.Length < Count)
        {
            throw new ArgumentException($"Needs room for {Count} features.", nameof(features));
        }

        var scale = size / 112f;
        Span<float> forehead = stackalloc float[6];
        Span<float> lower = stackalloc float[6];
        Span<float> cheeks = stackalloc float[6];
        var foreheadTexture = Region(crop, size, Forehead, scale, forehead);
        var lowerTexture = Region(crop, size, Lower, scale, lower);
        var cheeksTexture = Region(crop, size, Cheeks, scale, cheeks);
        for (var c = 0; c < 3; c++)
        {
            features[c] = lower[c];
            features[3 + c] = lower[c] - forehead[c];
            features[6 + c] = lower[3 + c];
        }

        features[9] = Chroma(lower) - Chroma(forehead);
        features[10] = Saturation(lower) - Saturation(forehead);
        features[11] = lowerTexture;
        features[12] = lowerTexture - foreheadTexture;
        features[13] = cheeksTexture - foreheadTexture;
        features[14] = MathF.Sqrt(Square(cheeks[0] - forehead[0]) + Square(cheeks[1] - forehead[1]) + Square(cheeks[2] - forehead[2]));
        features[15] = MathF.Sqrt(Square(lower[0] - forehead[0]) + Square(lower[1] - forehead[1]) + Square(lower[2] - forehead[2]));
    }

    /// <summary>Mean and standard deviation per channel into <paramref name="stats"/>; returns the mean absolute gradient.</summary>
    private static float Region(ReadOnlySpan<float> crop, int size, (int Top, int Bottom, int Left, int Right) region, float scale, Span<float> stats)
    {
        int top = (int)(region.Top * scale), bottom = (int)(region.Bottom * scale), left = (int)(region.Left * scale), right = (int)(region.Right * scale);
        stats.Clear();
        float gradient = 0;
        var n = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                var o = ((y * size) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var v = crop[o + c];
                    stats[c] += v;
                    stats[3 + c] += v * v;
                }

                // Luma differences to the right and below neighbours: fabric is smooth, a mouth is not.
                var luma = Luma(crop, o);
                gradient += MathF.Abs(Luma(crop, o + 3) - luma) + MathF.Abs(Luma(crop, o + (size * 3)) - luma);
                n++;
            }
        }

        for (var c = 0; c < 3; c++)
        {
            stats[c] /= n;
            stats[3 + c] = MathF.Sqrt(MathF.Max(0, (stats[3 + c] / n) - (stats[c] * stats[c])));
        }

        return gradient / n;
    }

    private static float Luma(ReadOnlySpan<float> crop, int o) => (0.299f * crop[o]) + (0.587f * crop[o + 1]) + (0.114f * crop[o + 2]);

    /// <summary>Red against blue: skin is reddish whatever its tone; most masks are not.</summary>
    private static float Chroma(ReadOnlySpan<float> stats) => stats[0] - stats[2];

    private static float Saturation(ReadOnlySpan<float> stats) => MathF.Max(stats[0], MathF.Max(stats[1], stats[2])) - MathF.Min(stats[0], MathF.Min(stats[1], stats[2]));

    private static float Square(float v) => v * v;
}
