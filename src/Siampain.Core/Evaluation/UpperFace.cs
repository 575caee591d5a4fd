using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>
/// Occlusion-consistent matching: the aligned crop with everything below the nose bridge set to mid grey, so a
/// masked face and an unmasked one are compared on what both show (eyes, brows, forehead) and the mask's colour
/// and cut no longer matter. Rows are in the aligned crop, where the eyes sit at about row 52 and the nose tip at 72.
/// Measured by `eval masked-lfw` and not used at run time (it needs a second embedding per masked face).
/// </summary>
public static class UpperFace
{
    /// <summary>Blanks rows from <paramref name="firstRow"/> down in an NHWC crop tensor of side <paramref name="size"/> (0 = mid grey once normalised).</summary>
    public static void Blank(Span<float> crop, int size, int firstRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        if (firstRow < size)
        {
            crop[(firstRow * size * 3)..(size * size * 3)].Clear();
        }
    }

    /// <summary>The embedding of the face's upper part only: rows from <paramref name="firstBlankRow"/> of the crop are blanked.</summary>
    public static float[] Embed(FaceAnalyzer analyzer, RgbImage image, in DetectedFace face, int firstBlankRow, bool mirrored = false)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var embedder = analyzer.Embedder;
        var embedding = new float[embedder.Dimensions];
        var slot = embedder.Slot(0);
        embedder.Aligner.AlignInto(image, face, slot);
        Blank(slot, embedder.Aligner.Size, firstBlankRow);
        embedder.EmbedSlots(1, embedding, [mirrored]);
        return embedding;
    }
}
