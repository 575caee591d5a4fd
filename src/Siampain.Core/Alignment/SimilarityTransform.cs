using System.Numerics;

namespace Siampain.Alignment;

/// <summary>
/// Rotation + uniform scale + translation: (x, y) -> (a*x - b*y + tx, b*x + a*y + ty). Four parameters are all
/// that five noisy keypoints can pin down; an affine fit would also shear the face.
/// </summary>
public readonly record struct SimilarityTransform(float A, float B, float Tx, float Ty)
{
    public float Scale => MathF.Sqrt((A * A) + (B * B));

    /// <summary>Rotation in degrees (positive = counter-clockwise in image coordinates).</summary>
    public float RotationDegrees => MathF.Atan2(B, A) * 180f / MathF.PI;

    public Vector2 Apply(Vector2 p) => new((A * p.X) - (B * p.Y) + Tx, (B * p.X) + (A * p.Y) + Ty);

    public SimilarityTransform Inverse()
    {
        var norm = (A * A) + (B * B);
        var ia = A / norm;
        var ib = -B / norm;
        return new SimilarityTransform(ia, ib, -((ia * Tx) - (ib * Ty)), -((ib * Tx) + (ia * Ty)));
    }

    /// <summary>The least-squares similarity mapping <paramref name="from"/> onto <paramref name="to"/> (Umeyama, no reflection).</summary>
    public static SimilarityTransform Fit(ReadOnlySpan<Vector2> from, ReadOnlySpan<Vector2> to)
    {
        if (from.Length != to.Length || from.Length < 2)
        {
            throw new ArgumentException("Need at least two point pairs of equal count.");
        }

        var meanFrom = Vector2.Zero;
        var meanTo = Vector2.Zero;
        for (var i = 0; i < from.Length; i++)
        {
            meanFrom += from[i];
            meanTo += to[i];
        }

        meanFrom /= from.Length;
        meanTo /= to.Length;
        float dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < from.Length; i++)
        {
            var p = from[i] - meanFrom;
            var q = to[i] - meanTo;
            dot += (p.X * q.X) + (p.Y * q.Y);
            cross += (p.X * q.Y) - (p.Y * q.X);
            norm += p.LengthSquared();
        }

        if (norm < 1e-6f)
        {
            throw new ArgumentException("The source points coincide; no transform fits them.");
        }

        var a = dot / norm;
        var b = cross / norm;
        return new SimilarityTransform(a, b, meanTo.X - ((a * meanFrom.X) - (b * meanFrom.Y)), meanTo.Y - ((b * meanFrom.X) + (a * meanFrom.Y)));
    }
}
