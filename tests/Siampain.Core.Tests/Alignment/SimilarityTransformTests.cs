using System.Numerics;
using Siampain.Alignment;

namespace Siampain.Tests.Alignment;

public sealed class SimilarityTransformTests
{
    [Fact]
    public void Fit_recovers_a_known_rotation_scale_and_shift()
    {
        var truth = new SimilarityTransform(0.8f * MathF.Cos(0.3f), 0.8f * MathF.Sin(0.3f), 12, -7);
        Vector2[] from = [new(10, 20), new(60, 22), new(35, 50), new(36, 80)];
        var to = from.Select(truth.Apply).ToArray();

        var fitted = SimilarityTransform.Fit(from, to);

        Assert.Equal(truth.A, fitted.A, 4);
        Assert.Equal(truth.B, fitted.B, 4);
        Assert.Equal(truth.Tx, fitted.Tx, 3);
        Assert.Equal(truth.Ty, fitted.Ty, 3);
        Assert.Equal(0.8f, fitted.Scale, 4);
    }

    [Fact]
    public void Inverse_undoes_the_transform()
    {
        var transform = new SimilarityTransform(1.3f, -0.4f, 5, 9);
        var point = new Vector2(17, -3);
        var back = transform.Inverse().Apply(transform.Apply(point));
        Assert.Equal(point.X, back.X, 3);
        Assert.Equal(point.Y, back.Y, 3);
    }

    [Fact]
    public void Coincident_points_are_rejected()
    {
        Vector2[] same = [new(1, 1), new(1, 1), new(1, 1)];
        Assert.Throws<ArgumentException>(() => SimilarityTransform.Fit(same, same));
    }
}
