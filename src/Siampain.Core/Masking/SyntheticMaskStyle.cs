namespace Siampain.Masking;

/// <summary>The cut of a painted mask.</summary>
public enum MaskShape
{
    /// <summary>Flat top edge, almost straight sides, three horizontal pleats.</summary>
    Surgical,

    /// <summary>Rounded outline that rises to a point over the nose and dips under the chin.</summary>
    Cloth,

    /// <summary>Folded respirator: pointed at the nose bridge and the chin, with a vertical centre seam.</summary>
    Kn95,
}

/// <summary>What the mask's fabric looks like on top of its colour.</summary>
public enum MaskTexture
{
    Plain,

    /// <summary>Horizontal folds (darker lines with a lighter edge), as on surgical masks.</summary>
    Pleats,

    /// <summary>Diagonal stripes in a second colour, as on printed cloth masks.</summary>
    Stripes,

    /// <summary>Fine fabric grain.</summary>
    Noise,
}

/// <summary>One painted mask: shape, colours, texture and how wide and how low it sits.</summary>
/// <param name="Width">Width relative to the face's width at nose level (1 = ear to ear as the anchors say).</param>
/// <param name="Drop">How far the top edge sits below its usual place, as a share of the mask's height (0 = on the nose bridge).</param>
/// <param name="Seed">Seeds the texture's grain so the same style paints the same pixels.</param>
public readonly record struct SyntheticMaskStyle(
    MaskShape Shape,
    MaskColour Colour,
    MaskColour Accent,
    MaskTexture Texture,
    float Width,
    float Drop,
    int Seed)
{
    // Colours real masks come in: surgical blue and white, black, grey, navy, pink, beige, olive.
    private static readonly MaskColour[] Palette =
    [
        new(120, 170, 210), new(235, 238, 240), new(30, 30, 34), new(128, 130, 135),
        new(35, 45, 90), new(225, 160, 180), new(215, 195, 160), new(95, 110, 70),
    ];

    /// <summary>
    /// The style an image gets from its name (<paramref name="key"/>); other <paramref name="variant"/>s give the same
    /// image other styles.
    /// </summary>
    public static SyntheticMaskStyle ForImage(string key, int variant = 0) =>
        FromSeed((int)((StableHash.Of(key) + ((uint)variant * 0x9E3779B9u)) & 0x7FFFFFFF));

    /// <summary>A style drawn from <paramref name="seed"/>: the same seed always gives the same style.</summary>
    public static SyntheticMaskStyle FromSeed(int seed)
    {
        var random = new Random(seed);
        var shape = (MaskShape)random.Next(3);
        var colour = Palette[random.Next(Palette.Length)];
        var accent = Palette[random.Next(Palette.Length)];
        var texture = shape switch
        {
            // Surgical masks are pleated; the others are plain, printed or grainy.
            MaskShape.Surgical => MaskTexture.Pleats,
            _ => (MaskTexture)new[] { 0, 2, 3 }[random.Next(3)],
        };
        return new SyntheticMaskStyle(shape, colour, accent, texture, 0.92f + (0.14f * random.NextSingle()), 0.1f * random.NextSingle(), seed);
    }
}

/// <summary>An RGB colour of a painted mask.</summary>
public readonly record struct MaskColour(byte R, byte G, byte B);
