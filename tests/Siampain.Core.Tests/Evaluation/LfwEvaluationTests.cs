using Siampain.Evaluation;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Evaluation;

/// <summary>Runs the whole LFW protocol on <see cref="MiniLfw"/>, so the evaluation path is tested without the real data set.</summary>
public sealed class LfwEvaluationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-minilfw-").FullName;

    [Fact]
    public void Mini_lfw_runs_every_stage_and_counts_the_unreadable_image()
    {
        var people = MiniLfw.Write(_folder);
        using var analyzer = new FaceAnalyzer(TestAssets.Manifest, "fp32");

        var report = LfwEvaluation.Run(analyzer, _folder);

        Assert.Equal(people.Count * 2, report.Pairs);
        Assert.Equal(1, report.Unreadable);
        Assert.InRange(report.MeanAccuracy, 0.85, 1.0);
        Assert.Equal(report.Images, report.Detected + report.Unreadable + report.MissedUsedMeanKeypoints);
        Assert.True(report.Head.FittedOnAllFolds.Slope > 0);
        Assert.Equal(1.0, report.Roc[^1].TrueAcceptRate);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
