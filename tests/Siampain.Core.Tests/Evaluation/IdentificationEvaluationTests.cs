using Siampain.Evaluation;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Evaluation;

/// <summary>`eval identify` on <see cref="MiniLfw"/>: every person enrols their first photo and is probed with the mirrored, darker one.</summary>
public sealed class IdentificationEvaluationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-miniid-").FullName;

    [Fact]
    public void Every_identity_splits_into_known_people_and_a_fifth_of_strangers()
    {
        MiniLfw.Write(_folder);
        var identities = Directory.GetDirectories(_folder).Length;
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "fp32");

        var report = Assert.Single(IdentificationEvaluation.Run(analyzer, _folder, "identify-mini"));

        Assert.Equal(identities, report.Identities);
        Assert.Equal((int)Math.Round(identities * IdentificationEvaluation.StrangerShare), report.StrangerIdentities);
        Assert.Equal(identities - report.StrangerIdentities, report.KnownIdentities);
        Assert.Equal(1, report.Unreadable);

        // One probe per known person (their second photo), all the strangers' photos as stranger probes.
        Assert.Equal(report.KnownIdentities, report.KnownProbes);
        Assert.Equal(report.StrangerIdentities * 2, report.StrangerProbes);
        Assert.InRange(report.Rank1, 0.85, 1.0);
        Assert.InRange(report.OpenSetRateAt1PercentFalseAlarm, 0.0, report.Rank1);
    }

    [Fact]
    public void Smaller_galleries_are_tried_by_the_same_strangers()
    {
        MiniLfw.Write(_folder);
        var identities = Directory.GetDirectories(_folder).Length;
        var strangers = IdentificationEvaluation.StrangerCount(identities);
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "fp32");

        var reports = IdentificationEvaluation.Run(analyzer, _folder, "identify-mini", new IdentificationSettings { GallerySizes = [3, 10], Splits = 3 });

        Assert.Equal(["identify-mini-3-enrolled", "identify-mini-10-enrolled"], reports.Select(r => r.Protocol));
        Assert.Equal([3, 10], reports.Select(r => r.KnownIdentities));
        Assert.All(reports, r => Assert.Equal(strangers, r.StrangerIdentities));
        Assert.All(reports, r => Assert.Equal(strangers * 2, r.StrangerProbes));
        Assert.Equal([3, 10], reports.Select(r => r.KnownProbes));
        Assert.All(reports, r => Assert.Equal(3, r.Splits));

        // The terminal's bar for each gallery size, and what it lets through on these photos.
        Assert.Equal(MatchThresholds.From(analyzer.Embedder.Manifest, galleryPeople: 10).Unmasked, reports[1].AtManifestThresholds.Unmasked);
        Assert.True(reports[1].AtManifestThresholds.Unmasked > reports[0].AtManifestThresholds.Unmasked);
        Assert.All(reports, r => Assert.InRange(r.AtManifestThresholds.KnownIdentified + r.AtManifestThresholds.KnownTakenForSomeoneElse, 0, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void A_gallery_larger_than_the_known_people_or_empty_is_refused(int people)
    {
        MiniLfw.Write(_folder);
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "fp32");

        var error = Assert.Throws<InvalidDataException>(() => IdentificationEvaluation.Run(analyzer, _folder, "identify-mini", new IdentificationSettings { GallerySizes = [people] }));

        Assert.Contains($"cannot enrol {people} people per split", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
