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
    /// The manifest's thresholds. A configured threshold replaces the unmasked one, and moves the masked one by the
    /// same amount, so a site that asks for a stricter door gets it for masked faces too.
    /// </summary>
    public static MatchThresholds From(EmbedderManifest embedder, float? configured = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var unmasked = configured ?? embedder.IdentificationThreshold;
        var masked = embedder.Masked is { } m ? m.IdentificationThreshold + (unmasked - embedder.IdentificationThreshold) : unmasked;
        return new MatchThresholds(unmasked, masked);
    }

    public float For(in GalleryMatch match) => match.Masked ? Masked : Unmasked;
}
