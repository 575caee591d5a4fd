namespace Siampain.Evaluation;

/// <summary>A scored pair: similarity, ground truth, and the fold it belongs to.</summary>
public readonly record struct ScoredPair(float Score, bool Same, int Fold);

/// <summary>A point of the ROC curve.</summary>
public readonly record struct RocPoint(double FalseAcceptRate, double TrueAcceptRate, float Threshold);

/// <summary>Verification metrics as the LFW protocol defines them, and the ROC over all pairs.</summary>
public static class VerificationMetrics
{
    /// <summary>
    /// k-fold accuracy: for each fold the threshold that maximises accuracy on the other folds is applied to it.
    /// Returns per-fold accuracies and thresholds.
    /// </summary>
    public static (double[] Accuracies, float[] Thresholds) CrossValidatedAccuracy(IReadOnlyList<ScoredPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var folds = pairs.Max(p => p.Fold) + 1;
        var accuracies = new double[folds];
        var thresholds = new float[folds];
        for (var fold = 0; fold < folds; fold++)
        {
            var f = fold;
            var threshold = BestThreshold(pairs.Where(p => p.Fold != f).ToList());
            var test = pairs.Where(p => p.Fold == f).ToList();
            thresholds[fold] = threshold;
            accuracies[fold] = Accuracy(test, threshold);
        }

        return (accuracies, thresholds);
    }

    public static double Accuracy(IReadOnlyCollection<ScoredPair> pairs, float threshold)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return pairs.Count(p => (p.Score >= threshold) == p.Same) / (double)pairs.Count;
    }

    /// <summary>The threshold with the best accuracy, placed midway between the two scores it separates.</summary>
    public static float BestThreshold(IReadOnlyList<ScoredPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sorted = pairs.OrderBy(p => p.Score).ToArray();

        // Threshold below everything: every pair is accepted, so correct = matched pairs.
        var correct = sorted.Count(p => p.Same);
        var bestCorrect = correct;
        var best = sorted[0].Score - 1e-3f;
        for (var i = 0; i < sorted.Length; i++)
        {
            // Moving the threshold above sorted[i] rejects it.
            correct += sorted[i].Same ? -1 : 1;
            var next = i + 1 < sorted.Length ? sorted[i + 1].Score : sorted[i].Score + 2e-3f;
            if (correct > bestCorrect && next > sorted[i].Score)
            {
                bestCorrect = correct;
                best = (sorted[i].Score + next) / 2;
            }
        }

        return best;
    }

    /// <summary>The ROC curve over all pairs, from strictest to most lenient threshold.</summary>
    public static IReadOnlyList<RocPoint> Roc(IReadOnlyList<ScoredPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sorted = pairs.OrderByDescending(p => p.Score).ToArray();
        var positives = sorted.Count(p => p.Same);
        var negatives = sorted.Length - positives;
        var points = new List<RocPoint> { new(0, 0, float.PositiveInfinity) };
        int truePositives = 0, falsePositives = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Same)
            {
                truePositives++;
            }
            else
            {
                falsePositives++;
            }

            if (i + 1 == sorted.Length || sorted[i + 1].Score < sorted[i].Score)
            {
                points.Add(new RocPoint(falsePositives / (double)negatives, truePositives / (double)positives, sorted[i].Score));
            }
        }

        return points;
    }

    /// <summary>The highest true-accept rate whose false-accept rate does not exceed <paramref name="far"/>.</summary>
    public static RocPoint TarAtFar(IReadOnlyList<RocPoint> roc, double far)
    {
        ArgumentNullException.ThrowIfNull(roc);
        return roc.Where(p => p.FalseAcceptRate <= far).MaxBy(p => p.TrueAcceptRate);
    }

    /// <summary>Area under the ROC curve (trapezoids).</summary>
    public static double Auc(IReadOnlyList<RocPoint> roc)
    {
        ArgumentNullException.ThrowIfNull(roc);
        double area = 0;
        for (var i = 1; i < roc.Count; i++)
        {
            area += (roc[i].FalseAcceptRate - roc[i - 1].FalseAcceptRate) * (roc[i].TrueAcceptRate + roc[i - 1].TrueAcceptRate) / 2;
        }

        return area;
    }
}
