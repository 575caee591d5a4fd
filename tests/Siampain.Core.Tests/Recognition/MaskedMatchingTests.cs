using System.Numerics.Tensors;
using Siampain.Detection;
using Siampain.Hosting;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Models;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Storage;

namespace Siampain.Tests.Recognition;

/// <summary>
/// Mask handling end to end with the committed models and real faces: the manifest's mask classifier, masked
/// templates painted at enrolment, and a masked probe finding them through the masked path.
/// </summary>
public sealed class MaskedMatchingTests : IDisposable
{
    private static readonly Lazy<List<(RgbImage Photo, DetectedFace Face)>> Faces = new(() =>
        [.. Enumerable.Range(1, 6).SelectMany(n =>
        {
            var photo = TestAssets.LoadSample(n);
            return DoorFrames.FacesOf(photo).Select(face => (photo, face));
        })]);

    private readonly FaceAnalyzer _analyzer = new(TestAssets.Manifest, "int8");
    private readonly TempDatabase _temp = new();

    public void Dispose()
    {
        _analyzer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void The_manifest_classifier_tells_painted_faces_from_clean_ones()
    {
        int cleanRight = 0, maskedRight = 0;
        foreach (var (i, (photo, face)) in Faces.Value.Index())
        {
            cleanRight += IsMasked(photo, face) ? 0 : 1;

            // Styles drawn from seeds the enrolment masks do not use: shapes, colours and textures vary per face.
            var painted = photo.Clone();
            SyntheticMask.Paint(painted, face, SyntheticMaskStyle.FromSeed(1000 + i));
            maskedRight += IsMasked(painted, face) ? 1 : 0;
        }

        var count = Faces.Value.Count;
        Assert.True(cleanRight >= count - 2, $"{cleanRight} of {count} clean faces called unmasked");
        Assert.True(maskedRight >= count - 2, $"{maskedRight} of {count} painted faces called masked");
    }

    [Fact]
    public void Enrolment_stores_masked_templates_and_a_masked_probe_matches_them_through_the_masked_path()
    {
        // The enrolment portrait the enroller tests use: sample 3's first face, alone in a door-camera frame.
        var photo = TestAssets.LoadSample(3);
        var face = DoorFrames.FacesOf(photo)[0];
        var enroller = new PhotoEnroller(_analyzer, new RecognitionOptions());
        var portrait = Path.Combine(_temp.Folder, "ann.png");
        ImageFile.SavePng(DoorFrames.Around(photo, face), portrait);
        using var db = _temp.Open();
        var people = new PeopleStore(db);

        var used = PhotoEnroller.Store(people, "ann", "Ann", [enroller.Check(portrait)], enroller.ModelId, masked: false, _temp.Time.GetUtcNow());
        // Other people from the other photos, as many as pass the enrolment gate.
        var others = new[] { 1, 2, 4, 5, 6 }.SelectMany(n =>
        {
            var otherPhoto = TestAssets.LoadSample(n);
            return DoorFrames.FacesOf(otherPhoto).Select(otherFace => (otherPhoto, otherFace));
        });
        foreach (var (i, (otherPhoto, otherFace)) in others.Index())
        {
            var other = Path.Combine(_temp.Folder, $"p{i}.png");
            ImageFile.SavePng(DoorFrames.Around(otherPhoto, otherFace), other);
            if (enroller.Check(other) is { Usable: true } check)
            {
                PhotoEnroller.Store(people, $"p{i}", $"P{i}", [check], enroller.ModelId, masked: false, _temp.Time.GetUtcNow());
            }
        }

        Assert.True(people.List().Count >= 5, $"only {people.List().Count} people enrolled");

        Assert.Equal(1, used);
        var templates = people.ListTemplates(enroller.ModelId).Where(t => t.PersonId == "ann").ToList();
        Assert.Equal(1 + MaskedTemplates.Count, templates.Count);
        Assert.Equal(MaskedTemplates.Count, templates.Count(t => t.Masked));

        var gallery = new FaceGallery(_analyzer.Embedder.Dimensions);
        foreach (var template in people.ListTemplates(enroller.ModelId))
        {
            gallery.Add(template.PersonId, template.Embedding, template.Masked);
        }

        // At the door: another view of Ann (smaller in the frame), wearing a mask the enrolment never painted.
        var door = DoorFrames.Around(photo, face, faceShareOfWidth: 0.25f);
        var seen = _analyzer.FindCentralFace(door)!.Value;
        SyntheticMask.Paint(door, seen, SyntheticMaskStyle.FromSeed(77));
        var match = gallery.Match(_analyzer.Embed(door, seen), IsMasked(door, seen));
        var thresholds = MatchThresholds.From(_analyzer.Embedder.Manifest);

        Assert.True(match.Masked, "the probe should be taken as masked");
        Assert.Equal("ann", match.PersonId);
        Assert.True(match.Score >= thresholds.For(match), $"score {match.Score} below the masked threshold {thresholds.Masked}");
        Assert.Equal(thresholds.Masked, thresholds.For(match));
    }

    [Fact]
    public void Thresholds_come_from_the_manifest_and_a_configured_one_moves_both()
    {
        var embedder = TestAssets.Manifest.Embedder("int8");
        var masked = embedder.Masked!;

        var fromManifest = MatchThresholds.From(embedder);
        var configured = MatchThresholds.From(embedder, embedder.IdentificationThreshold + 0.05f);

        Assert.Equal(embedder.IdentificationThreshold, fromManifest.Unmasked);
        Assert.Equal(masked.IdentificationThreshold, fromManifest.Masked);
        Assert.Equal(masked.IdentificationThreshold + 0.05f, configured.Masked, 5);
        Assert.Equal(MaskFeatures.Count, masked.Classifier.Weights.Length);
    }

    [Fact]
    public void The_distilled_embedder_keeps_a_masked_face_nearer_its_unmasked_self_and_people_apart()
    {
        using var distilled = new FaceAnalyzer(TestAssets.Manifest, "distilled-int8");
        var (originalSame, originalOthers) = MaskedAndOtherCosines(_analyzer);
        var (distilledSame, distilledOthers) = MaskedAndOtherCosines(distilled);

        Assert.True(distilledSame > originalSame + 0.05f, $"masked-to-unmasked cosine {distilledSame:F3} (original {originalSame:F3})");
        Assert.True(distilledOthers < distilled.Embedder.Manifest.IdentificationThreshold - 0.1f, $"mean cosine between different people {distilledOthers:F3}");
    }

    /// <summary>
    /// Mean cosine of each face painted with a mask (a style enrolment does not use) to the same face unmasked, and
    /// mean cosine between the unmasked faces of different people.
    /// </summary>
    private static (float SamePerson, float OtherPeople) MaskedAndOtherCosines(FaceAnalyzer analyzer)
    {
        var clean = new List<float[]>();
        var same = new List<float>();
        foreach (var (i, (photo, face)) in Faces.Value.Index())
        {
            var painted = photo.Clone();
            SyntheticMask.Paint(painted, face, SyntheticMaskStyle.FromSeed(2000 + i));
            clean.Add(analyzer.Embed(photo, face));
            same.Add(TensorPrimitives.Dot(clean[^1], analyzer.Embed(painted, face)));
        }

        var others = clean.SelectMany((a, i) => clean.Skip(i + 1).Select(b => TensorPrimitives.Dot(a, b)));
        return (same.Average(), others.Average());
    }

    [Fact]
    public void A_gallery_without_masked_templates_matches_a_masked_probe_as_before()
    {
        var (photo, face) = Faces.Value[0];
        var gallery = new FaceGallery(_analyzer.Embedder.Dimensions);
        gallery.Add("ann", _analyzer.Embed(photo, face));
        var painted = photo.Clone();
        SyntheticMask.Paint(painted, face, EnrolmentMasks.Styles[0]);

        var match = gallery.Match(_analyzer.Embed(painted, face), IsMasked(painted, face));

        Assert.False(match.Masked);
        Assert.Equal("ann", match.PersonId);
    }

    /// <summary>The terminal's decision: the classifier on the aligned crop, before the embedder runs.</summary>
    private bool IsMasked(RgbImage image, DetectedFace face)
    {
        var aligner = _analyzer.Embedder.Aligner;
        var crop = new float[aligner.Size * aligner.Size * 3];
        aligner.AlignInto(image, face, crop);
        return MaskClassifier.For(_analyzer.Embedder.Manifest)!.IsMaskedCrop(crop, aligner.Size);
    }
}
