using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Models;

namespace Siampain.Evaluation;

/// <summary>How an evaluation image is shown to the embedder: as photographed, or with a mask painted on.</summary>
public abstract record FaceCondition(string Name)
{
    /// <summary>The photo as it is.</summary>
    public static FaceCondition Clean { get; } = new CleanCondition();

    /// <summary>
    /// A MaskTheFace template (evaluation only) picked per image by a stable hash plus <paramref name="offset"/>, then
    /// detected again as the terminal would see the masked face. Different offsets give an image different masks.
    /// </summary>
    public static FaceCondition Template(IReadOnlyList<MaskTemplate> masks, int offset = 0) => new TemplateCondition(masks, offset);

    /// <summary>The project's own mask painted at the keypoints found before masking, as enrolment paints them.</summary>
    public static FaceCondition Synthetic(SyntheticMaskStyle style, string name) => new SyntheticCondition(style, name);

    /// <summary>The project's own masks, a style drawn per image from its name (training data for the mask classifier).</summary>
    public static FaceCondition SyntheticVaried { get; } = new SyntheticCondition(null, "synthetic-varied");

    /// <summary>The project's enrolment masks, one condition per style.</summary>
    public static IReadOnlyList<FaceCondition> Enrolment { get; } = [.. EnrolmentMasks.Styles.Select((style, i) => Synthetic(style, $"enrol{i}"))];

    /// <summary>
    /// The same condition embedded from the upper face only: crop rows from <paramref name="firstBlankRow"/> down are
    /// blanked before the embedder sees them.
    /// </summary>
    public FaceCondition UpperFace(int firstBlankRow) => this with { Name = $"{Name}-upper{firstBlankRow}", FirstBlankRow = firstBlankRow };

    /// <summary>The same condition, kept as the mask classifier's crop features (<see cref="Recognition.MaskFeatures"/>) instead of an embedding.</summary>
    public FaceCondition MaskFeatures() => this with { Name = $"{Name}-maskfeatures", IsMaskFeatures = true };

    /// <summary>The same condition aligned by the eyes alone (<see cref="EyeAlignment"/>).</summary>
    public FaceCondition EyeAligned() => this with { Name = $"{Name}-eyes", IsEyeAligned = true };

    /// <summary>A template condition embedded at the keypoints found before masking (an oracle: the terminal cannot do this).</summary>
    public FaceCondition AtCleanKeypoints() => this with { Name = $"{Name}-cleankp", KeepCleanKeypoints = true };

    /// <summary>The same condition embedded together with its mirror image (<see cref="MirrorPolicy"/>).</summary>
    public FaceCondition Mirrored() => this with { Name = $"{Name}-mirrored", IsMirrored = true };

    /// <summary>This condition embedded as enrolment embeds a template under <paramref name="policy"/>.</summary>
    public FaceCondition AsTemplate(MirrorPolicy policy) => policy.MirrorsTemplates ? Mirrored() : this;

    /// <summary>This condition embedded as the door embeds a face the mask classifier called <paramref name="masked"/> (or not).</summary>
    public FaceCondition AsProbe(MirrorPolicy policy, bool masked) => policy.MirrorsProbe(masked) ? Mirrored() : this;

    public bool IsEyeAligned { get; private init; }

    public bool IsMirrored { get; private init; }

    /// <summary>Whether a masked image keeps the clean keypoints instead of being detected again.</summary>
    public bool KeepCleanKeypoints { get; private init; }

    /// <summary>Whether the set holds mask features rather than embeddings.</summary>
    public bool IsMaskFeatures { get; private init; }

    /// <summary>Crop rows from here down are blanked (upper-face matching); int.MaxValue = the whole face.</summary>
    public int FirstBlankRow { get; private init; } = int.MaxValue;

    /// <summary>Whether the masked image is detected again (the terminal's view) rather than embedded at the clean keypoints.</summary>
    internal abstract bool Redetect { get; }

    /// <summary>Paints the condition onto a copy of the image (the clean condition returns the image itself).</summary>
    internal abstract RgbImage Apply(RgbImage image, in DetectedFace face, string key);

    private sealed record CleanCondition() : FaceCondition("clean")
    {
        internal override bool Redetect => false;

        internal override RgbImage Apply(RgbImage image, in DetectedFace face, string key) => image;
    }

    private sealed record TemplateCondition(IReadOnlyList<MaskTemplate> Masks, int Offset) : FaceCondition($"template{Offset}")
    {
        internal override bool Redetect => true;

        internal override RgbImage Apply(RgbImage image, in DetectedFace face, string key)
        {
            var masked = image.Clone();
            TemplateFor(Masks, face, key, Offset).Paint(masked, MaskAnchors.Estimate(face));
            return masked;
        }
    }

    private sealed record SyntheticCondition(SyntheticMaskStyle? Style, string StyleName) : FaceCondition(StyleName)
    {
        internal override bool Redetect => false;

        internal override RgbImage Apply(RgbImage image, in DetectedFace face, string key)
        {
            var masked = image.Clone();
            SyntheticMask.Paint(masked, face, Style ?? SyntheticMaskStyle.ForImage(key));
            return masked;
        }
    }

    /// <summary>The front template an image gets at an offset (its side view when the head is turned).</summary>
    public static MaskTemplate TemplateFor(IReadOnlyList<MaskTemplate> masks, in DetectedFace face, string key, int offset)
    {
        ArgumentNullException.ThrowIfNull(masks);
        var fronts = Fronts(masks);
        var front = fronts[FrontIndex(fronts.Length, key, offset)];
        var yaw = MaskAnchors.Yaw(face);
        var view = yaw < -0.2f ? "_left" : yaw > 0.2f ? "_right" : string.Empty;
        return masks.FirstOrDefault(m => m.Name == front.Name + view) ?? front;
    }

    /// <summary>Which front template (index into the front views) an image gets at an offset.</summary>
    public static int FrontIndex(int fronts, string key, int offset) => (int)((StableHash.Of(key) + (uint)offset) % (uint)fronts);

    public static MaskTemplate[] Fronts(IReadOnlyList<MaskTemplate> masks) =>
        [.. masks.Where(m => !m.Name.EndsWith("_left", StringComparison.Ordinal) && !m.Name.EndsWith("_right", StringComparison.Ordinal))];
}
