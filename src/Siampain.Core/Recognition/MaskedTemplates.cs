using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Models;

namespace Siampain.Recognition;

/// <summary>
/// Masked templates made at enrolment from the person's own photo: the photo painted with each of the project's
/// enrolment masks, embedded at the keypoints found before painting (a painted mask can hide the mouth from the
/// detector; where the face is does not change). Measured on masked LFW, a masked probe compared with these beats
/// the same probe compared with the unmasked photo by several points.
/// </summary>
public static class MaskedTemplates
{
    public static int Count => EnrolmentMasks.Styles.Count;

    /// <summary>One embedding per enrolment mask style, in <see cref="EnrolmentMasks.Styles"/> order, mirrored as the manifest says templates are.</summary>
    public static float[][] Embed(FaceEmbedder embedder, RgbImage image, in DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(image);
        var embeddings = new float[Count][];
        var painted = new RgbImage(image.Width, image.Height);
        for (var i = 0; i < Count; i++)
        {
            image.Pixels.AsSpan(0, image.Width * image.Height * 3).CopyTo(painted.Pixels);
            SyntheticMask.Paint(painted, face, EnrolmentMasks.Styles[i]);
            embeddings[i] = new float[embedder.Dimensions];
            embedder.Embed(painted, [face], embeddings[i], embedder.Mirror.MirrorsTemplates);
        }

        return embeddings;
    }
}
