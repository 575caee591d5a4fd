using System.Numerics.Tensors;
using Siampain.Masking;
using Siampain.Models;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Recognition;

/// <summary>
/// Test-time mirroring: a mirrored face's embedding is the normalised mean of its own and its mirror image's, and
/// a batch mixing mirrored and plain faces keeps every row its own. The policy, read from the manifest, says which faces.
/// </summary>
public sealed class MirroredEmbeddingTests
{
    [Fact]
    public void A_mirrored_face_is_the_mean_of_the_face_and_its_mirror_image()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var embedder = analyzer.Embedder;
        var (crop, size) = AlignedCrop(analyzer, sample: 3);
        var dimensions = embedder.Dimensions;

        var plain = EmbedSlot(embedder, crop, mirrored: false);
        var ofMirrorImage = EmbedSlot(embedder, MirrorImage(crop, size), mirrored: false);
        var mirrored = EmbedSlot(embedder, crop, mirrored: true);

        var expected = new float[dimensions];
        TensorPrimitives.Add(plain, ofMirrorImage, expected);
        TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
        Assert.Equal(1f, TensorPrimitives.Norm(mirrored), 4);
        Assert.True(TensorPrimitives.CosineSimilarity(mirrored, expected) > 0.99999f);

        // A face is nearly symmetric: its mirror image is the same person, not the same vector.
        Assert.InRange(TensorPrimitives.Dot(plain, ofMirrorImage), 0.5f, 0.9999f);
    }

    [Fact]
    public void A_slot_mirrored_in_place_embeds_as_the_mirror_image_and_pairs_into_the_mirrored_embedding()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var embedder = analyzer.Embedder;
        var (crop, size) = AlignedCrop(analyzer, sample: 2);
        var plain = EmbedSlot(embedder, crop, mirrored: false);
        var ofMirrorImage = EmbedSlot(embedder, MirrorImage(crop, size), mirrored: false);

        crop.CopyTo(embedder.Slot(0));
        embedder.MirrorSlot(0);
        Assert.Equal(MirrorImage(crop, size), embedder.Slot(0).ToArray());
        var mirrorView = new float[embedder.Dimensions];
        embedder.EmbedSlots(1, mirrorView);
        FaceEmbedder.CombineViews(mirrorView, plain, mirrorView);

        Assert.True(TensorPrimitives.CosineSimilarity(mirrorView, EmbedSlot(embedder, crop, mirrored: true)) > 0.99999f);
        Assert.NotEqual(1f, TensorPrimitives.Dot(plain, ofMirrorImage), 3);
    }

    [Theory]
    [InlineData(0.303f)]
    [InlineData(0.31f)]
    [InlineData(0.33f)]
    public void Two_frames_of_a_masked_face_stepping_closer_pair_into_a_better_match_than_one_view(float secondFaceShare)
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "distilled-int8");
        var embedder = analyzer.Embedder;
        var photo = TestAssets.LoadSample(3);
        var face = DoorFrames.FacesOf(photo)[0];
        var template = analyzer.EmbedTemplate(photo, face);
        var painted = photo.Clone();
        SyntheticMask.Paint(painted, face, SyntheticMaskStyle.FromSeed(7));
        var first = DoorFrames.Around(painted, face, faceShareOfWidth: 0.30f);
        var second = DoorFrames.Around(painted, face, faceShareOfWidth: secondFaceShare);
        var firstFace = analyzer.FindCentralFace(first) ?? throw new InvalidOperationException("no face in the first frame");
        var secondFace = analyzer.FindCentralFace(second) ?? throw new InvalidOperationException("no face in the second frame");

        var plain = analyzer.Embed(first, firstFace);
        var paired = new float[embedder.Dimensions];
        embedder.Aligner.AlignInto(second, secondFace, embedder.Slot(0));
        embedder.MirrorSlot(0);
        embedder.EmbedSlots(1, paired);
        FaceEmbedder.CombineViews(paired, plain, paired);

        // The second frame is detected and aligned afresh, so the pair is not one frame's two views; what counts is
        // that it still matches the person better than the first frame's one view does.
        var plainScore = TensorPrimitives.Dot(plain, template);
        var pairedScore = TensorPrimitives.Dot(paired, template);
        Assert.True(pairedScore > plainScore, $"one view {plainScore:F4}, the pair across frames {pairedScore:F4}");
    }

    [Fact]
    public void A_batch_mixing_mirrored_and_plain_faces_gives_each_face_its_own_embedding()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var embedder = analyzer.Embedder;
        var crops = new[] { AlignedCrop(analyzer, 1).Crop, AlignedCrop(analyzer, 2).Crop, AlignedCrop(analyzer, 3).Crop };
        bool[] mirrored = [true, false, true];
        var alone = crops.Select((c, i) => EmbedSlot(embedder, c, mirrored[i])).ToArray();

        for (var i = 0; i < crops.Length; i++)
        {
            crops[i].CopyTo(embedder.Slot(i));
        }

        var batch = new float[crops.Length * embedder.Dimensions];
        embedder.EmbedSlots(crops.Length, batch, mirrored);

        for (var i = 0; i < crops.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(batch.AsSpan(i * embedder.Dimensions, embedder.Dimensions), alone[i]) > 0.99999f, $"face {i}");
        }
    }

    [Fact]
    public void Fewer_mirror_flags_than_slots_is_refused()
    {
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8");
        var embeddings = new float[2 * analyzer.Embedder.Dimensions];

        Assert.Throws<ArgumentException>(() => analyzer.Embedder.EmbedSlots(2, embeddings, [true]));
    }

    [Theory]
    [InlineData(MirrorPolicy.None, false, false, false)]
    [InlineData(MirrorPolicy.Masked, true, false, true)]
    [InlineData(MirrorPolicy.All, true, true, true)]
    public void The_policy_says_which_faces_are_mirrored(MirrorPolicy policy, bool templates, bool unmaskedProbe, bool maskedProbe)
    {
        Assert.Equal(templates, policy.MirrorsTemplates);
        Assert.Equal(unmaskedProbe, policy.MirrorsProbe(masked: false));
        Assert.Equal(maskedProbe, policy.MirrorsProbe(masked: true));
    }

    private static (float[] Crop, int Size) AlignedCrop(FaceAnalyzer analyzer, int sample)
    {
        var photo = TestAssets.LoadSample(sample);
        var face = DoorFrames.FacesOf(photo)[0];
        var aligner = analyzer.Embedder.Aligner;
        var crop = new float[aligner.Size * aligner.Size * 3];
        aligner.AlignInto(photo, face, crop);
        return (crop, aligner.Size);
    }

    private static float[] EmbedSlot(FaceEmbedder embedder, float[] crop, bool mirrored)
    {
        crop.CopyTo(embedder.Slot(0));
        var embedding = new float[embedder.Dimensions];
        embedder.EmbedSlots(1, embedding, [mirrored]);
        return embedding;
    }

    private static float[] MirrorImage(float[] crop, int size)
    {
        var mirror = new float[crop.Length];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                crop.AsSpan(((y * size) + x) * 3, 3).CopyTo(mirror.AsSpan(((y * size) + (size - 1 - x)) * 3, 3));
            }
        }

        return mirror;
    }
}
