using Siampain.Evaluation;

namespace Siampain.Tests.Evaluation;

public sealed class VerificationMetricsTests
{
    private static readonly ScoredPair[] Pairs =
    [
        new(0.9f, true, 0), new(0.8f, true, 0), new(0.3f, true, 1), new(0.7f, true, 1),
        new(0.1f, false, 0), new(0.5f, false, 0), new(0.2f, false, 1), new(0.0f, false, 1),
    ];

    [Fact]
    public void Best_threshold_sits_between_the_scores_it_separates()
    {
        var threshold = VerificationMetrics.BestThreshold(Pairs);
        Assert.Equal(7 / 8.0, VerificationMetrics.Accuracy(Pairs, threshold));
        Assert.InRange(threshold, 0.2f, 0.7f);
    }

    [Fact]
    public void Cross_validation_picks_each_folds_threshold_on_the_other_folds()
    {
        var (accuracies, thresholds) = VerificationMetrics.CrossValidatedAccuracy(Pairs);
        Assert.Equal(2, accuracies.Length);

        // Fold 1's pairs separate perfectly above 0.2, so fold 0 gets a threshold in (0.2, 0.3) and misreads its 0.5 stranger.
        Assert.InRange(thresholds[0], 0.2f, 0.3f);
        Assert.Equal(0.75, accuracies[0]);
    }

    [Fact]
    public void Roc_and_tar_at_far_count_accepts_at_each_threshold()
    {
        var roc = VerificationMetrics.Roc(Pairs);
        Assert.Equal((0.0, 0.0), (roc[0].FalseAcceptRate, roc[0].TrueAcceptRate));
        Assert.Equal((1.0, 1.0), (roc[^1].FalseAcceptRate, roc[^1].TrueAcceptRate));

        var strict = VerificationMetrics.TarAtFar(roc, 0.0);
        Assert.Equal(0.75, strict.TrueAcceptRate);
        var lenient = VerificationMetrics.TarAtFar(roc, 0.25);
        Assert.Equal(1.0, lenient.TrueAcceptRate);
        Assert.Equal(15 / 16.0, VerificationMetrics.Auc(roc), 6);
    }
}
