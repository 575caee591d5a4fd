using System.Numerics.Tensors;
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

/// <summary>LFW's 10-fold verification protocol on clean photos; <see cref="MaskedLfwEvaluation"/> adds masks.</summary>
public static class LfwEvaluation
{
    /// <summary>L2 weight of the head, as in the original Siamese recipe.</summary>
    public const float HeadLambda = 0.01f;

    public static VerificationReport Run(FaceAnalyzer analyzer, string lfwFolder, IProgress<(int Done, int Total)>? progress = null, string? cacheFolder = null, LfwFolds? folds = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var pairs = LfwPairs.Load(lfwFolder, folds);
        var images = pairs.Select(p => p.First).Union(pairs.Select(p => p.Second)).ToList();
        var tick = Tick(progress, images.Count);

        // The first photo of a pair is enrolled, the second comes to the door: each embedded as the terminal would.
        var clean = FaceEmbeddingSet.Build(analyzer, lfwFolder, images, [FaceCondition.Clean.AsTemplate(analyzer.Embedder.Mirror)], tick, cacheFolder: cacheFolder)[0];
        var probes = FaceEmbeddingSet.BuildProbes(analyzer, lfwFolder, images, FaceCondition.Clean, tick, cacheFolder: cacheFolder, built: clean).Unmasked;
        var scored = pairs.Select(p => new ScoredPair(
            TensorPrimitives.Dot(clean[p.First].Embedding, probes[p.Second].Embedding), p.Same, p.Fold)).ToList();
        return Report("lfw", analyzer.Embedder.ModelId, scored, [(clean, images)]);
    }

    /// <summary>Counts each image once per progress step, out of <paramref name="total"/>.</summary>
    public static IProgress<int> Tick(IProgress<(int Done, int Total)>? progress, int total)
    {
        var done = 0;
        return new SynchronousProgress<int>(step => progress?.Report((done += step, total)));
    }

    /// <summary>The report over scored pairs; <paramref name="sets"/> are the embedding sets used, with the images of them this protocol used.</summary>
    public static VerificationReport Report(string protocol, string model, IReadOnlyList<ScoredPair> scored, IReadOnlyList<(FaceEmbeddingSet Set, IReadOnlyCollection<string> Images)> sets)
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
            sets.Sum(s => s.Images.Count),
            sets.Sum(s => s.Set.CountBy(FaceSource.Detected, s.Images)),
            sets.Sum(s => s.Set.CountBy(FaceSource.UnmaskedKeypoints, s.Images)),
            sets.Sum(s => s.Set.CountBy(FaceSource.MeanKeypoints, s.Images)),
            sets.Sum(s => s.Set.CountBy(FaceSource.Unreadable, s.Images)),
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
