using System.Numerics.Tensors;
using Siampain.Masking;
using Siampain.Models;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>The verification head evaluated as the protocol asks: fitted on 9 folds, scored on the 10th.</summary>
public sealed record HeadReport(double HeldOutAccuracy, double HeldOutLogLoss, VerificationHeadParameters FittedOnAllFolds);

/// <summary>Everything `siampain eval lfw` reports for one model and one condition.</summary>
public sealed record VerificationReport(
    string Protocol,
    string Model,
    int Pairs,
    double MeanAccuracy,
    double AccuracyStdDev,
    double[] FoldAccuracies,
    float[] FoldThresholds,
    RocPoint TarAtFar1e3,
    RocPoint TarAtFar1e2,
    double Auc,
    int Images,
    int Detected,
    int MissedUsedUnmaskedKeypoints,
    int MissedUsedMeanKeypoints,
    int Unreadable,
    HeadReport Head,
    IReadOnlyList<RocPoint> Roc);

/// <summary>LFW's 10-fold verification protocol, clean or with a synthetic mask on the second image of each pair.</summary>
public static class LfwEvaluation
{
    /// <summary>L2 weight of the head, as in the original Siamese recipe.</summary>
    public const float HeadLambda = 0.01f;

    public static VerificationReport Run(FaceAnalyzer analyzer, string lfwFolder, IReadOnlyList<MaskTemplate>? masks = null, IProgress<(int Done, int Total)>? progress = null, Action<string, Imaging.RgbImage>? masked = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var pairs = LfwPairs.Load(lfwFolder);
        var firsts = pairs.Select(p => p.First).Distinct().ToList();
        var seconds = pairs.Select(p => p.Second).Distinct().ToList();
        var total = masks is null ? firsts.Union(seconds).Count() : firsts.Count + seconds.Count;
        var done = 0;
        var tick = new SynchronousProgress<int>(_ => progress?.Report((++done, total)));
        var clean = FaceEmbeddingSet.Build(analyzer, lfwFolder, masks is null ? firsts.Union(seconds) : firsts, null, tick);
        var second = masks is null ? clean : FaceEmbeddingSet.Build(analyzer, lfwFolder, seconds, masks, tick, masked);

        var scored = pairs.Select(p => new ScoredPair(
            TensorPrimitives.Dot(clean[p.First].Embedding, second[p.Second].Embedding), p.Same, p.Fold)).ToList();
        var name = masks is null ? "lfw" : "masked-lfw";
        return Report(name, analyzer.Embedder.ModelId, scored, masks is null ? [clean] : [clean, second]);
    }

    public static VerificationReport Report(string protocol, string model, IReadOnlyList<ScoredPair> scored, IReadOnlyList<FaceEmbeddingSet> sets)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(sets);
        var (accuracies, thresholds) = VerificationMetrics.CrossValidatedAccuracy(scored);
        var roc = VerificationMetrics.Roc(scored);
        var mean = accuracies.Average();
        var std = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / accuracies.Length);
        return new VerificationReport(
            protocol,
            model,
            scored.Count,
            mean,
            std,
            accuracies,
            thresholds,
            VerificationMetrics.TarAtFar(roc, 1e-3),
            VerificationMetrics.TarAtFar(roc, 1e-2),
            VerificationMetrics.Auc(roc),
            sets.Sum(s => s.Count),
            sets.Sum(s => s.CountBy(FaceSource.Detected)),
            sets.Sum(s => s.CountBy(FaceSource.UnmaskedKeypoints)),
            sets.Sum(s => s.CountBy(FaceSource.MeanKeypoints)),
            sets.Sum(s => s.CountBy(FaceSource.Unreadable)),
            EvaluateHead(scored, protocol),
            roc);
    }

    private static HeadReport EvaluateHead(IReadOnlyList<ScoredPair> scored, string protocol)
    {
        var folds = scored.Max(p => p.Fold) + 1;
        double correct = 0, logLoss = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            var train = scored.Where(p => p.Fold != fold).ToArray();
            var head = new VerificationHead(VerificationHead.Fit([.. train.Select(p => p.Score)], [.. train.Select(p => p.Same)], HeadLambda, $"{protocol} folds except {fold + 1}"));
            foreach (var pair in scored.Where(p => p.Fold == fold))
            {
                var probability = Math.Clamp(head.Probability(pair.Score), 1e-7, 1 - 1e-7);
                correct += (probability >= 0.5) == pair.Same ? 1 : 0;
                logLoss -= pair.Same ? Math.Log(probability) : Math.Log(1 - probability);
            }
        }

        var all = VerificationHead.Fit([.. scored.Select(p => p.Score)], [.. scored.Select(p => p.Same)], HeadLambda, $"{protocol}, all {folds} folds");
        return new HeadReport(correct / scored.Count, logLoss / scored.Count, all);
    }
}
