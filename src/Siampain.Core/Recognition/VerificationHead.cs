using Siampain.Models;

namespace Siampain.Recognition;

/// <summary>
/// The Siamese network's head: turns the similarity of two embeddings into P(same person). As in the original
/// work it is fitted with binary cross-entropy + L2; here on LFW training folds over the cosine similarity.
/// </summary>
public sealed class VerificationHead
{
    public VerificationHead(VerificationHeadParameters parameters) => Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));

    public VerificationHeadParameters Parameters { get; }

    public float Probability(float cosine) => Sigmoid((Parameters.Slope * cosine) + Parameters.Intercept);

    /// <summary>The cosine at which P(same) = 0.5.</summary>
    public float DecisionCosine => -Parameters.Intercept / Parameters.Slope;

    /// <summary>
    /// Fits slope and intercept by Newton's method on mean BCE + lambda/2 * slope^2 (the intercept is not
    /// penalised). Two parameters and a convex loss: Newton converges in a few steps, exactly and deterministically.
    /// </summary>
    public static VerificationHeadParameters Fit(ReadOnlySpan<float> cosines, ReadOnlySpan<bool> same, float lambda, string fittedOn)
    {
        if (cosines.Length != same.Length || cosines.Length == 0)
        {
            throw new ArgumentException("Need as many labels as scores, and at least one.");
        }

        double w = 1, b = 0;
        var n = cosines.Length;
        for (var iteration = 0; iteration < 50; iteration++)
        {
            double gw = lambda * w, gb = 0, hww = lambda, hwb = 0, hbb = 0;
            for (var i = 0; i < n; i++)
            {
                var x = cosines[i];
                var p = 1 / (1 + Math.Exp(-((w * x) + b)));
                var error = (p - (same[i] ? 1 : 0)) / n;
                var curvature = p * (1 - p) / n;
                gw += error * x;
                gb += error;
                hww += curvature * x * x;
                hwb += curvature * x;
                hbb += curvature;
            }

            var determinant = (hww * hbb) - (hwb * hwb);
            if (Math.Abs(determinant) < 1e-18)
            {
                break;
            }

            var stepW = ((hbb * gw) - (hwb * gb)) / determinant;
            var stepB = ((hww * gb) - (hwb * gw)) / determinant;
            w -= stepW;
            b -= stepB;
            if (Math.Abs(stepW) + Math.Abs(stepB) < 1e-10)
            {
                break;
            }
        }

        return new VerificationHeadParameters((float)w, (float)b, fittedOn);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
