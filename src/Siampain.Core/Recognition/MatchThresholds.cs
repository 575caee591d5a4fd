using Siampain.Models;

namespace Siampain.Recognition;

/// <summary>
/// The cosine a gallery match must reach, per case: an unmasked probe, or a masked probe matched against masked
/// templates (masked faces look more alike, strangers included, so that case needs its own, higher, bar). Both
/// come from the manifest, where evaluation wrote them.
/// </summary>
public readonly record struct MatchThresholds(float Unmasked, float Masked)
{
    /// <summary>
    /// The manifest's thresholds for a gallery of <paramref name="galleryPeople"/>. The identification threshold
    /// lets through one stranger in a thousand compared with one person; a stranger at the door is compared with
    /// everyone enrolled, so where the manifest has measured 1:N operating points the bar rises with the gallery
    /// (interpolated on the logarithm of the size, from the one-person threshold at one person). Beyond the largest
    /// gallery measured the last stretch's slope carries on: the measured bar grows about linearly in the logarithm
    /// of the size (int8: about 0.04 a tenfold), so a bigger site gets a stricter guess, not a laxer one. The masked
    /// bar follows its own measured curve where the manifest has one (masked strangers), else it rises by as much
    /// as the unmasked one. A configured threshold replaces the unmasked one whatever the size, and the masked one
    /// moves by the same amount from its one-person value, so a site that asks for a stricter door gets it for
    /// masked faces too.
    /// </summary>
    public static MatchThresholds From(EmbedderManifest embedder, float? configured = null, int galleryPeople = 1)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var unmasked = configured ?? ForGallery(embedder.IdentificationThreshold, embedder.OpenSet, galleryPeople);
        var masked = embedder.Masked switch
        {
            null => unmasked,
            { OpenSet: { } maskedOpenSet } m when configured is null => ForGallery(m.IdentificationThreshold, maskedOpenSet, galleryPeople),
            var m => m.IdentificationThreshold + (unmasked - embedder.IdentificationThreshold),
        };
        return new MatchThresholds(unmasked, masked);
    }

    public float For(in GalleryMatch match) => match.Masked ? Masked : Unmasked;

    /// <param name="single">The one-person threshold: the curve starts there and never goes below it.</param>
    private static float ForGallery(float single, OpenSetManifest? openSet, int people)
    {
        if (openSet?.Points is not { Length: > 0 } points || people <= 1)
        {
            return single;
        }

        var (lowerPeople, lowerThreshold) = (1, single);
        for (var i = 0; i < points.Length; i++)
        {
            var (upperPeople, upperThreshold) = (points[i].People, points[i].Threshold);
            var last = i == points.Length - 1;
            if (people <= upperPeople || last)
            {
                // Past the last point t exceeds 1 and the last stretch carries on, never below its own end.
                var t = (MathF.Log(people) - MathF.Log(lowerPeople)) / (MathF.Log(upperPeople) - MathF.Log(lowerPeople));
                var threshold = lowerThreshold + (t * (upperThreshold - lowerThreshold));
                return Math.Clamp(people > upperPeople ? MathF.Max(threshold, upperThreshold) : threshold, single, 1f);
            }

            (lowerPeople, lowerThreshold) = (upperPeople, upperThreshold);
        }

        return single;
    }
}
