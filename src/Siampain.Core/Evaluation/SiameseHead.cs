using System.Numerics.Tensors;
using Siampain.Recognition;

namespace Siampain.Evaluation;

/// <summary>
/// A Siamese head on the frozen embedder: P(same) from the pair's element-wise |e1 - e2| and e1 * e2 plus their
/// cosine, a logistic regression fitted with BCE + L2 as in the original recipe. Unlike the cosine it can learn
/// which embedding dimensions a mask disturbs and weigh them down.
/// </summary>
public sealed class SiameseHead
{
    /// <summary>L2 weight, as in the original Siamese recipe (on standardised features).</summary>
    public const float Lambda = 0.01f;

    private readonly LinearModel _model;

    public SiameseHead(LinearModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <summary>Features of a pair: |e1 - e2|, e1 * e2, cosine (2 * dimensions + 1 values).</summary>
    public static float[] Features(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        var d = first.Length;
        var features = new float[(2 * d) + 1];
        TensorPrimitives.Subtract(first, second, features.AsSpan(0, d));
        TensorPrimitives.Abs(features.AsSpan(0, d), features.AsSpan(0, d));
        TensorPrimitives.Multiply(first, second, features.AsSpan(d, d));
        features[2 * d] = TensorPrimitives.Dot(first, second);
        return features;
    }

    public float Logit(ReadOnlySpan<float> first, ReadOnlySpan<float> second) => _model.Logit(Features(first, second));

    public float Probability(ReadOnlySpan<float> first, ReadOnlySpan<float> second) => 1f / (1f + MathF.Exp(-Logit(first, second)));

    public static SiameseHead Fit(IReadOnlyList<(float[] First, float[] Second, bool Same)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new SiameseHead(LogisticRegression.Fit([.. pairs.Select(p => Features(p.First, p.Second))], [.. pairs.Select(p => p.Same)], Lambda));
    }
}
