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
    public void A_smaller_site_is_scored_on_that_many_identities_per_split()
    {
        MiniLfw.Write(_folder);
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "fp32");

        var report = Assert.Single(IdentificationEvaluation.Run(analyzer, _folder, "identify-mini", new IdentificationSettings { Identities = 10, Splits = 3 }));

        Assert.Equal(10, report.Identities);
        Assert.Equal(8, report.KnownIdentities);
        Assert.Equal(2, report.StrangerIdentities);
        Assert.Equal(3, report.Splits);
        Assert.Equal(8, report.KnownProbes);
        Assert.Equal(4, report.StrangerProbes);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(1000)]
    public void Drawing_more_identities_than_there_are_or_fewer_than_five_is_refused(int identities)
    {
        MiniLfw.Write(_folder);
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "fp32");

        var error = Assert.Throws<InvalidDataException>(() => IdentificationEvaluation.Run(analyzer, _folder, "identify-mini", new IdentificationSettings { Identities = identities }));

        Assert.Contains($"cannot draw {identities} identities", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
